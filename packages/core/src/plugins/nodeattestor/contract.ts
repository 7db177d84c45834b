import type { Closable, PluginDescriptor } from '../descriptor.js';
import { zeroOrMore, type CountRule } from '../count-rule.js';
import { createServiceRef } from '../../di/service-ref.js';

/** What a successful attestation yields (AgentAttributes). */
export interface AgentAttributes {
  /** The agent's SPIFFE ID. */
  spiffeId: string;
  /** Selector values, without the type (the type is the attestor's name). */
  selectorValues: string[];
  canReattest: boolean;
}

/**
 * Sends a challenge to the attesting agent and resolves with its response. Mirrors the
 * challenge/challenge_response rounds of the bidirectional Attest stream.
 */
export type ChallengeFn = (challenge: Uint8Array) => Promise<Uint8Array>;

/** What the server knows about the attesting agent's connection. */
export interface AttestPeer {
  /** The immediate peer's IP address as the server's listener saw it (x509pop's verify_client_ip). */
  clientIp?: string;
}

/** The NodeAttestor contract (spire.plugin.server.nodeattestor.v1.NodeAttestor). */
export interface NodeAttestor extends Closable {
  /**
   * Attests an agent from its payload, issuing as many challenges as the method needs.
   * Throws PERMISSION_DENIED (or INVALID_ARGUMENT for malformed payloads) when attestation fails.
   */
  attest(payload: Uint8Array, challenge: ChallengeFn, peer?: AttestPeer): Promise<AgentAttributes>;
}

/** DI token of the NodeAttestors (a list). */
export const NODE_ATTESTORS = createServiceRef<NodeAttestor[]>('spire.NodeAttestors');

/** Any number of NodeAttestors, as SPIRE. */
export const nodeAttestorCount: CountRule = zeroOrMore;

/** Declares a NodeAttestor plugin. */
export function defineNodeAttestor<C>(
  d: Omit<PluginDescriptor<'NodeAttestor', NodeAttestor, C>, 'type'>,
): PluginDescriptor<'NodeAttestor', NodeAttestor, C> {
  return { ...d, type: 'NodeAttestor' };
}
