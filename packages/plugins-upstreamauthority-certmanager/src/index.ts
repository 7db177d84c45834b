import { loadKubeConfig } from '@spire-ts/plugin-kube';
import { defineUpstreamAuthority } from '@spire-ts/core/plugin';
import { CertManagerUpstreamAuthority } from './cert-manager-authority.js';
import { kubeCertificateRequests, type CertificateRequestClient } from './certificate-requests.js';
import { parseCertManagerConfig, type CertManagerConfig } from './config.js';
import { CertManagerErrors } from './errors.js';

export { CertManagerUpstreamAuthority, DEFAULT_POLL, TRUST_DOMAIN_LABEL, type PollOptions } from './cert-manager-authority.js';
export { kubeCertificateRequests, type CertificateRequest, type CertificateRequestClient } from './certificate-requests.js';
export { parseCertManagerConfig, type CertManagerConfig } from './config.js';
export { CertManagerErrors } from './errors.js';

/** The CertificateRequest client for the configured cluster; throws INTERNAL when it cannot be made. */
export function certificateRequestsFor(config: CertManagerConfig): CertificateRequestClient {
  try {
    return kubeCertificateRequests(loadKubeConfig(config.kubeConfigFile));
  } catch (err) {
    throw CertManagerErrors.newClient((err as Error).message, err);
  }
}

/** The descriptor of UpstreamAuthority "cert-manager". */
export const certManagerUpstreamAuthority = defineUpstreamAuthority<CertManagerConfig>({
  name: 'cert-manager',
  parseConfig: (raw, core) => parseCertManagerConfig(raw, core),
  create: ({ config, log }) => new CertManagerUpstreamAuthority(config, certificateRequestsFor(config), log),
});
