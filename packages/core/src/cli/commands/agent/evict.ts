import { apiCommand } from '../../api-command.js';
import { agentIdFlag } from './agent-common.js';

/** `spire-server agent evict`: deletes an agent's record so it must attest again. */
export const agentEvictCommand = apiCommand({
  name: 'agent evict',
  synopsis: 'Evicts an attested agent given its SPIFFE ID',
  flags: [{ name: 'spiffeID', kind: 'string', usage: 'The SPIFFE ID of the agent to evict (agent identity)', default: '' }],
  output: true,
  async run(ctx) {
    const res = await ctx.client.call('agent', 'DeleteAgent', { id: agentIdFlag(ctx) });
    if (ctx.json) return ctx.printJson({ type: 'google.protobuf.Empty', msg: res });
    ctx.out('Agent evicted successfully\n');
  },
});
