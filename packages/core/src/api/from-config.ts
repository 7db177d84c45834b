import type { ServerSection } from '../config/types.js';
import type { EndpointsDeps } from './endpoints.js';

/** The server.conf values the endpoints read. */
export type EndpointsSettings = Pick<ServerSection, 'trustDomain' | 'bindAddress' | 'bindPort' | 'socketPath' | 'adminIds' | 'auditLogEnabled' | 'ratelimit'> &
  Partial<Pick<ServerSection, 'experimental'>>;

/**
 * Endpoint settings from the parsed `server { }` block: socket_path, bind_address/bind_port,
 * admin_ids, audit_log_enabled, ratelimit and the policy of experimental.auth_opa_policy_engine. `parts` supplies the running pieces (store, CA
 * port, root logger, optional ports). Pure; never throws.
 */
export function endpointsDepsFromConfig(
  s: EndpointsSettings,
  parts: Omit<EndpointsDeps, 'trustDomain' | 'socketPath' | 'tcp' | 'adminIds' | 'auditLogEnabled' | 'rateLimit' | 'authPolicy'>,
): EndpointsDeps {
  return {
    ...parts,
    trustDomain: s.trustDomain,
    socketPath: s.socketPath,
    tcp: { bindAddress: s.bindAddress, bindPort: s.bindPort },
    adminIds: [...s.adminIds],
    auditLogEnabled: s.auditLogEnabled,
    rateLimit: { attestation: s.ratelimit.attestation, signing: s.ratelimit.signing },
    ...(s.experimental?.authOpaPolicyEngine?.policy ? { authPolicy: s.experimental.authOpaPolicyEngine.policy } : {}),
  };
}
