import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { AgentAttributes, NodeAttestor } from './contract.js';
import { bytes } from '../wire-common.js';
import type * as msg from '../wire-messages.js';
import { attestPeerToMetadata } from './codec.js';
import { ExternalErrors } from '../external-errors.js';
import type { PluginConnection } from '../wire-connection.js';

/**
 * The NodeAttestor contract over the Attest bidirectional stream: the payload goes first, each
 * challenge from the plugin is answered through `challenge`, and the stream ends with the agent
 * attributes or the plugin's error status. The agent's IP address (`peer.clientIp`) travels as the
 * `x-forwarded-client-ip` request header, as SPIRE sends it (empty when unknown).
 */
export function nodeAttestorAdapter(p: PluginConnection): NodeAttestor {
  return {
    attest(payload, challenge, peer): Promise<AgentAttributes> {
      return p.bidi('Attest', async (call: ClientDuplexStream<object, object>) => {
        call.write({ payload: Buffer.from(payload) } satisfies msg.AttestRequest);
        for await (const raw of call as AsyncIterable<msg.AttestResponse__Output>) {
          if (raw.response === 'challenge') {
            const answer = await challenge(bytes(raw.challenge));
            call.write({ challengeResponse: Buffer.from(answer) } satisfies msg.AttestRequest);
            continue;
          }
          if (raw.response === 'agentAttributes' && raw.agentAttributes) {
            call.end();
            const a = raw.agentAttributes;
            return { spiffeId: a.spiffeId, selectorValues: [...(a.selectorValues ?? [])], canReattest: Boolean(a.canReattest) };
          }
          throw ExternalErrors.badResponse('Attest', 'response has neither a challenge nor agent attributes');
        }
        throw ExternalErrors.badResponse('Attest', 'stream ended without agent attributes');
      }, attestPeerToMetadata(peer));
    },
    close: () => p.close(),
  };
}
