import { upstreamCommand } from './upstream-command.js';

/** `spire-server upstreamauthority revoke -subjectKeyID <skid>`. */
export const upstreamAuthorityRevokeCommand = upstreamCommand({
  name: 'upstreamauthority revoke',
  synopsis: 'Revokes the previously active X.509 upstream authority by removing it from the bundle and propagating this update throughout the cluster',
  usage: "The X.509 Subject Key Identifier (or SKID) of the authority's CA certificate of the X.509 upstream authority to revoke",
  past: 'Revoked',
});
