import type { SPIFFEID__Output } from '../../proto/gen/api/spire/api/types/SPIFFEID.js';
import { SpiffeId, TrustDomain } from '../../spiffeid/index.js';

/** spire.api.types.SPIFFEID as proto-loader presents it (generated). */
export type ProtoSpiffeId = SPIFFEID__Output;

/** The wire form of an ID. */
export function protoFromId(id: SpiffeId | string): ProtoSpiffeId {
  const s = typeof id === 'string' ? SpiffeId.parse(id) : id;
  return { trust_domain: s.trustDomain.name, path: s.path };
}

/** Parses a wire ID. Throws Error "request must specify SPIFFE ID" or the ID rule broken. */
export function idFromProto(p: ProtoSpiffeId | null | undefined): SpiffeId {
  if (!p) throw new Error('request must specify SPIFFE ID');
  const td = TrustDomain.parse(p.trust_domain);
  return SpiffeId.fromPath(td, p.path);
}

function isReservedPath(path: string): boolean {
  return path === '/spire' || path.startsWith('/spire/');
}

/** An ID of `td` with a non-empty path. Throws Error with SPIRE's message otherwise. */
export function memberIdFromProto(td: TrustDomain, p: ProtoSpiffeId | null | undefined): SpiffeId {
  const id = idFromProto(p);
  if (!id.memberOf(td)) throw new Error(`"${id}" is not a member of trust domain "${td}"`);
  if (id.path === '') throw new Error(`"${id}" is not a member of trust domain "${td}"; path is empty`);
  return id;
}

/** A workload ID of `td`: non-empty path, not under /spire. Throws Error with SPIRE's message. */
export function workloadIdFromProto(td: TrustDomain, p: ProtoSpiffeId | null | undefined): SpiffeId {
  const id = idFromProto(p);
  if (!id.memberOf(td)) throw new Error(`"${id}" is not a member of trust domain "${td}"`);
  if (id.path === '') throw new Error(`"${id}" is not a workload in trust domain "${td}"; path is empty`);
  if (isReservedPath(id.path)) throw new Error(`"${id}" is not a workload in trust domain "${td}"; path is in the reserved namespace`);
  return id;
}

/** An agent ID of `td` (under /spire/agent/). Throws Error with SPIRE's message. */
export function agentIdFromProto(td: TrustDomain, p: ProtoSpiffeId | null | undefined): SpiffeId {
  const id = idFromProto(p);
  return verifyAgentId(td, id);
}

/** Checks that `id` is an agent of `td`. Throws Error with SPIRE's message. */
export function verifyAgentId(td: TrustDomain, id: SpiffeId): SpiffeId {
  if (!id.memberOf(td)) throw new Error(`"${id}" is not a member of trust domain "${td}"`);
  if (id.path === '') throw new Error(`"${id}" is not an agent in trust domain "${td}"; path is empty`);
  if (!id.path.startsWith('/spire/agent/')) throw new Error(`"${id}" is not an agent in trust domain "${td}"; path is not in the agent namespace`);
  return id;
}
