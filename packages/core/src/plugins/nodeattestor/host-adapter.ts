import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { AgentAttributes, NodeAttestor } from './contract.js';
import type { AttestResponse__Output } from '../../proto/gen/plugin/spire/plugin/server/nodeattestor/v1/AttestResponse.js';
import { bytes } from '../wire-common.js';
import { attestPeerToMetadata } from './codec.js';
import { ExternalErrors } from '../external-errors.js';
import type { PluginConnection } from '../wire-connection.js';

/** spire.plugin.server.nodeattestor.v1.AttestResponse as proto-loader presents it (generated). */
type AttestResponseMsg = AttestResponse__Output;

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
        call.write({ payload: Buffer.from(payload) });
        for await (const raw of call as AsyncIterable<AttestResponseMsg>) {
          if (raw.response === 'challenge') {
            const answer = await challenge(bytes(raw.challenge));
            call.write({ challengeResponse: Buffer.from(answer) });
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
