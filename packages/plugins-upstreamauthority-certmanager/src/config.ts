import { ConfigReader, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of UpstreamAuthority "cert-manager". */
export interface CertManagerConfig {
  /** Name of the cert-manager issuer that signs the server CA. */
  issuerName: string;
  /** Kind of the issuer (default `Issuer`). */
  issuerKind: string;
  /** API group of the issuer (default `cert-manager.io`). */
  issuerGroup: string;
  /** Namespace the CertificateRequests are made in. */
  namespace: string;
  /** Kubeconfig file; empty means the in-cluster service account. */
  kubeConfigFile: string;
  /** The server's trust domain name: the label that marks this server's requests. */
  trustDomain: string;
}

/**
 * Reads plugin_data as SPIRE's cert-manager plugin does: `namespace` and `issuer_name` must be
 * set and not empty; an empty `issuer_kind` or `issuer_group` takes its default. Collects every
 * problem.
 */
export function parseCertManagerConfig(raw: PluginData, core: CoreConfig): ParseResult<CertManagerConfig> {
  const r = new ConfigReader(raw);
  const namespace = r.string('namespace') ?? '';
  const issuerName = r.string('issuer_name') ?? '';
  const issuerKind = r.string('issuer_kind') || 'Issuer';
  const issuerGroup = r.string('issuer_group') || 'cert-manager.io';
  const kubeConfigFile = r.string('kube_config_file') ?? '';
  if (!namespace) r.problem('plugin configuration has empty namespace property');
  if (!issuerName) r.problem('plugin configuration has empty issuer_name property');
  return r.result({ issuerName, issuerKind, issuerGroup, namespace, kubeConfigFile, trustDomain: core.trustDomain.name });
}
