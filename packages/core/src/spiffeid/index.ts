export { SpiffeId, serverId, agentId, isAgentPath } from './spiffe-id.js';
export { TrustDomain, validateTrustDomainName, validatePath } from './trust-domain.js';
export { SpiffeIdError, IdErrors } from './errors.js';
