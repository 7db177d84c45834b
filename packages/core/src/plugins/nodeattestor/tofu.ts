import { Code, errorMessage, SpireError, spireError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { HostServices } from '../host-services.js';

/**
 * Trust on first use, as SPIRE's attestors that may attest a node only once apply it: refuses
 * (PERMISSION_DENIED, SPIRE's message) when the server already has an attested node with this
 * agent ID; evicting the agent deletes the record, and the node may then attest again. Needs
 * the AgentStore host service (INTERNAL without it); a failed lookup keeps its code.
 */
export async function assessTofu(host: HostServices, log: Logger, agentId: string): Promise<void> {
  const store = host.agentStore;
  if (!store) throw spireError(Code.INTERNAL, 'required AgentStore host service not available');
  let info;
  try {
    info = await store.getAgentInfo(agentId);
  } catch (e) {
    throw spireError(e instanceof SpireError ? e.code : Code.INTERNAL, `unable to get agent info: ${errorMessage(e)}`, e);
  }
  if (info) {
    log.error({ spiffe_id: agentId }, 'Attestation data has already been used to attest an agent');
    throw spireError(Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
  }
}
