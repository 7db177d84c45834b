import type { AttestedNode } from '../../plugins/datastore/contract.js';
import type { Agent__Output } from '../../proto/gen/api/spire/api/types/Agent.js';
import type { AgentMask } from '../../proto/gen/api/spire/api/types/AgentMask.js';
import { SpiffeId } from '../../spiffeid/index.js';
import { protoFromId } from './ids.js';
import { protoFromSelectors } from './selectors.js';

/** spire.api.types.Agent as proto-loader presents it (generated). */
export type ProtoAgent = Agent__Output;

/** spire.api.types.AgentMask: which fields an answer carries (generated). */
export type ProtoAgentMask = AgentMask;

/** A node is banned when both serials are empty (SPIRE's rule). */
export function isBanned(n: AttestedNode): boolean {
  return n.certSerialNumber === '' && n.newCertSerialNumber === '';
}

/** Wire form of an attested node. Throws Error "node has malformed SPIFFE ID: ..." on a bad stored ID. */
export function agentToProto(n: AttestedNode): ProtoAgent {
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(n.spiffeId);
  } catch (err) {
    throw new Error(`node has malformed SPIFFE ID: ${(err as Error).message}`);
  }
  return {
    id: protoFromId(id),
    attestation_type: n.attestationDataType,
    x509svid_serial_number: n.certSerialNumber,
    x509svid_expires_at: n.certNotAfter,
    selectors: protoFromSelectors(n.selectors ?? []),
    banned: isBanned(n),
    can_reattest: n.canReattest,
    agent_version: n.agentVersion,
  };
}

/** Applies an output mask (id always kept). */
export function applyAgentMask(a: ProtoAgent, mask: ProtoAgentMask | null | undefined): ProtoAgent {
  if (!mask) return a;
  return {
    id: a.id,
    attestation_type: mask.attestation_type ? a.attestation_type : '',
    x509svid_serial_number: mask.x509svid_serial_number ? a.x509svid_serial_number : '',
    x509svid_expires_at: mask.x509svid_expires_at ? a.x509svid_expires_at : 0,
    selectors: mask.selectors ? a.selectors : [],
    banned: mask.banned ? a.banned : false,
    can_reattest: mask.can_reattest ? a.can_reattest : false,
    agent_version: mask.agent_version ? a.agent_version : '',
  };
}
