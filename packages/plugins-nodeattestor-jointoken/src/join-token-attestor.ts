import type { AgentAttributes, NodeAttestor } from '@spire-ts/core/plugin';
import { JoinTokenErrors } from './errors.js';

/**
 * The join_token NodeAttestor as SPIRE has it: a declaration only. The server's AttestAgent
 * attests join tokens itself (core `api/services/agent-attest.ts`), whether or not this plugin is
 * declared, and never calls it; a call reaching it is refused.
 */
export class JoinTokenAttestor implements NodeAttestor {
  /** Always throws UNIMPLEMENTED: join token attestation happens in the server. */
  async attest(): Promise<AgentAttributes> {
    throw JoinTokenErrors.inServer();
  }

  /** Holds nothing; safe to call any number of times. */
  close(): void {}
}
