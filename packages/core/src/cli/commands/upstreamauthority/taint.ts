import { upstreamCommand } from './upstream-command.js';

/** `spire-server upstreamauthority taint -subjectKeyID <skid>`. */
export const upstreamAuthorityTaintCommand = upstreamCommand({
  name: 'upstreamauthority taint',
  synopsis: 'Marks the provided X.509 upstream authority as being tainted',
  usage: "The X.509 Subject Key Identifier (or SKID) of the authority's CA certificate of the upstream X.509 authority to taint",
  past: 'Tainted',
});
