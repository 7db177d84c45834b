import { defineUpstreamAuthority, type Logger } from '@spire-ts/core/plugin';
import { casClient, type CasClient, type CasClientOptions } from './cas-client.js';
import { parseGcpCasConfig, type GcpCasConfig } from './config.js';
import { GcpCasErrors } from './errors.js';
import { GcpCasUpstreamAuthority } from './gcp-cas-upstream-authority.js';

export { GcpCasUpstreamAuthority, findAuthorities } from './gcp-cas-upstream-authority.js';
export { parseGcpCasConfig, CA_POOL_NOTE, type GcpCasConfig, type RootCertSpec } from './config.js';
export { GcpCasErrors } from './errors.js';
export { casClient, type CasClient, type CasClientOptions, type CaInfo, type CreateCertificateRequest, type IssuedCertificate } from './cas-client.js';
export { casSubject, type CasSubject } from './csr-subject.js';

/**
 * Configures the plugin: logs SPIRE's notes and makes the CA Service client (Application
 * Default Credentials). CA Service is first called at the first mint, as SPIRE does.
 */
export function configureGcpCas(config: GcpCasConfig, trustDomainId: string, log: Logger, client: CasClientOptions = {}): GcpCasUpstreamAuthority {
  for (const note of config.notes) log.info(note);
  let cas: CasClient;
  try {
    cas = casClient(client);
  } catch (err) {
    throw GcpCasErrors.createClient(err);
  }
  return new GcpCasUpstreamAuthority(config.rootCertSpec, cas, trustDomainId, log);
}

/** The descriptor of UpstreamAuthority "gcp_cas". */
export const gcpCasUpstreamAuthority = defineUpstreamAuthority<GcpCasConfig>({
  name: 'gcp_cas',
  parseConfig: (raw) => parseGcpCasConfig(raw),
  create: ({ config, trustDomain, log }) => configureGcpCas(config, trustDomain.idString(), log),
});
