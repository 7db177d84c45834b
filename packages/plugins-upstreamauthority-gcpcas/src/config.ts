import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** The `root_cert_spec` block: where the issuing CAs are and the label that marks them. */
export interface RootCertSpec {
  projectName: string;
  regionName: string;
  /** One CA pool; empty searches every pool of the region. */
  caPool: string;
  labelKey: string;
  labelValue: string;
}

/** Options of UpstreamAuthority "gcp_cas". */
export interface GcpCasConfig {
  rootCertSpec: RootCertSpec;
  /** Informational notes, as SPIRE's Validate returns them (logged at start). */
  notes: string[];
}

/** The note SPIRE gives when `ca_pool` is not set. */
export const CA_POOL_NOTE =
  'The ca_pool value is not configured. Falling back to searching the region for matching CAs. The ca_pool configurable will be required in a future release.';

/**
 * Reads plugin_data as SPIRE's gcp_cas does: a `root_cert_spec` block with `project_name`,
 * `region_name`, `label_key` and `label_value` (required, SPIRE's messages) and `ca_pool`
 * (optional; a note when unset). Collects every problem; unknown options are refused.
 */
export function parseGcpCasConfig(raw: PluginData): ParseResult<GcpCasConfig> {
  const r = new ConfigReader(raw);
  const notes: string[] = [];
  const b = r.block('root_cert_spec');
  const s = (k: string) => b?.string(k) ?? '';
  const rootCertSpec: RootCertSpec = {
    projectName: s('project_name'),
    regionName: s('region_name'),
    caPool: s('ca_pool'),
    labelKey: s('label_key'),
    labelValue: s('label_value'),
  };
  if (!rootCertSpec.projectName) r.problem('plugin configuration root_cert_spec.Project is missing');
  if (!rootCertSpec.regionName) r.problem('plugin configuration root_cert_spec.Location is missing');
  if (!rootCertSpec.labelKey) r.problem('plugin configuration root_cert_spec.LabelKey is missing');
  if (!rootCertSpec.labelValue) r.problem('plugin configuration root_cert_spec.LabelValue is missing');
  if (!rootCertSpec.caPool) notes.push(CA_POOL_NOTE);
  return r.result({ rootCertSpec, notes });
}
