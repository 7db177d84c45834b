import { ConfigReader, PathTemplate, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { serviceAccountFileProblem } from '@spire-ts/plugin-gcp';

/** gcp_iit's parsed configuration. */
export interface GcpIitConfig {
  /** Projects whose instances may attest. */
  projectIdAllowList: string[];
  pathTemplate: PathTemplate;
  /** When true, instances.get is called and tag/label/metadata selectors are added. */
  useInstanceMetadata: boolean;
  allowedLabelKeys: Set<string>;
  allowedMetadataKeys: Set<string>;
  /** Longest metadata value (bytes of UTF-8) accepted for an allowed key. */
  maxMetadataValueSize: number;
  /** Service account key file for the Compute client ('' = Application Default Credentials). */
  serviceAccountFile: string;
}

/** SPIRE's agent path when `agent_path_template` is not set. */
export const DEFAULT_AGENT_PATH_TEMPLATE = '/{{ .PluginName }}/{{ .ProjectID }}/{{ .InstanceID }}';
/** SPIRE's `max_metadata_value_size` when unset (or 0). */
export const DEFAULT_MAX_METADATA_VALUE_SIZE = 128;

/**
 * Reads gcp_iit's plugin_data, collecting every problem with SPIRE's wording where SPIRE has one.
 * Beyond SPIRE it refuses, at configuration, a `service_account_file` that cannot be read or is
 * not a service account key, and a negative `max_metadata_value_size` (which would refuse every
 * allowed metadata item). Never throws.
 */
export function parseGcpIitConfig(raw: PluginData, _core: CoreConfig): ParseResult<GcpIitConfig> {
  const r = new ConfigReader(raw);
  const projectIdAllowList = r.strings('projectid_allow_list') ?? [];
  if (projectIdAllowList.length === 0) r.problem('projectid_allow_list is required');

  const templateText = r.string('agent_path_template') ?? '';
  let pathTemplate = PathTemplate.parse(DEFAULT_AGENT_PATH_TEMPLATE);
  if (templateText !== '') {
    try {
      pathTemplate = PathTemplate.parse(templateText);
    } catch {
      r.problem(`failed to parse agent path template: ${JSON.stringify(templateText)}`);
    }
  }

  let maxMetadataValueSize = r.int('max_metadata_value_size') ?? 0;
  if (maxMetadataValueSize < 0) r.problem(`max_metadata_value_size must not be negative (got ${maxMetadataValueSize})`);
  if (maxMetadataValueSize === 0) maxMetadataValueSize = DEFAULT_MAX_METADATA_VALUE_SIZE;

  const serviceAccountFile = r.string('service_account_file') ?? '';
  if (serviceAccountFile !== '') {
    const p = serviceAccountFileProblem(serviceAccountFile);
    if (p) r.problem(`service_account_file: ${p}`);
  }

  return r.result({
    projectIdAllowList,
    pathTemplate,
    useInstanceMetadata: r.bool('use_instance_metadata') ?? false,
    allowedLabelKeys: new Set(r.strings('allowed_label_keys') ?? []),
    allowedMetadataKeys: new Set(r.strings('allowed_metadata_keys') ?? []),
    maxMetadataValueSize,
    serviceAccountFile,
  });
}
