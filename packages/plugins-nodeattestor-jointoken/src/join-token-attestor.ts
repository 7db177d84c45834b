import {
  agentId,
  serverId,
  type AgentAttributes,
  type ChallengeFn,
  type HostServices,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import { JoinTokenErrors } from './errors.js';

/**
 * Attests an agent with a one-time join token: the payload is the token itself. The token is
 * consumed through the host's join token store in one atomic step, so of concurrent attestations
 * with one token exactly one can succeed. An expired token is consumed and refused, as SPIRE does.
 * The agent ID is `spiffe://<td>/spire/agent/join_token/<token>`; such agents cannot re-attest.
 */
export class JoinTokenAttestor implements NodeAttestor {
  /**
   * @param host the server's host services; `joinTokens` is looked up at each attestation because
   *   the server may offer it only after its DataStore is up.
   * @param now the clock, in milliseconds.
   */
  constructor(
    private readonly td: TrustDomain,
    private readonly host: HostServices,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Throws INVALID_ARGUMENT for an empty, unknown, used or expired token (SPIRE's messages),
   * FAILED_PRECONDITION when the store is not there yet and INTERNAL when the store fails. Never
   * issues a challenge.
   */
  async attest(payload: Uint8Array, _challenge: ChallengeFn): Promise<AgentAttributes> {
    const token = Buffer.from(payload).toString('utf8');
    if (token === '') throw JoinTokenErrors.missingPayload();
    let id: string;
    try {
      id = agentId(this.td, 'join_token', token).toString();
    } catch (e) {
      // A token that cannot form an ID cannot have been issued by CreateJoinToken either.
      throw JoinTokenErrors.badTokenId(e);
    }
    if (id === serverId(this.td).toString()) throw JoinTokenErrors.unknownToken();
    const store = this.host.joinTokens;
    if (!store) throw JoinTokenErrors.noStore();
    let found: { expiry: number } | undefined;
    try {
      found = await store.consumeJoinToken(token);
    } catch (e) {
      throw JoinTokenErrors.storeFailed(e);
    }
    if (!found) throw JoinTokenErrors.unknownToken();
    if (found.expiry * 1000 < this.now()) throw JoinTokenErrors.expired();
    return { spiffeId: id, selectorValues: [], canReattest: false };
  }

  /** Holds nothing; safe to call any number of times. */
  close(): void {}
}
