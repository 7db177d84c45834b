import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Code, spireError } from '../../errors.js';
import { agentId } from '../../spiffeid/index.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { AgentAttributes, ChallengeFn, NodeAttestor } from './contract.js';

/**
 * A NodeAttestor for tests: the payload is a node name it knows, and it challenges the agent to
 * echo a random nonce back. Unknown names are refused with PERMISSION_DENIED, empty payloads with
 * INVALID_ARGUMENT.
 */
export class FakeNodeAttestor implements NodeAttestor {
  constructor(
    private readonly td: TrustDomain,
    private readonly known: ReadonlySet<string>,
  ) {}

  async attest(payload: Uint8Array, challenge: ChallengeFn): Promise<AgentAttributes> {
    const name = Buffer.from(payload).toString('utf8');
    if (name === '') throw spireError(Code.INVALID_ARGUMENT, 'payload cannot be empty');
    if (!this.known.has(name)) throw spireError(Code.PERMISSION_DENIED, `unknown node "${name}"`);
    const nonce = randomBytes(16);
    const answer = Buffer.from(await challenge(nonce));
    if (answer.length !== nonce.length || !timingSafeEqual(answer, nonce)) {
      throw spireError(Code.PERMISSION_DENIED, 'challenge response does not match');
    }
    return { spiffeId: agentId(this.td, 'fake', name).toString(), selectorValues: [`name:${name}`], canReattest: true };
  }
}
