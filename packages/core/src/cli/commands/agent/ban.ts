import { apiCommand } from '../../api-command.js';
import { agentIdFlag } from './agent-common.js';

/** `spire-server agent ban`: bans an agent (it must re-attest, and cannot until unbanned by eviction). */
export const agentBanCommand = apiCommand({
  name: 'agent ban',
  synopsis: 'Ban an attested agent given its SPIFFE ID',
  flags: [{ name: 'spiffeID', kind: 'string', usage: 'The SPIFFE ID of the agent to ban (agent identity)', default: '' }],
  output: true,
  async run(ctx) {
    const res = await ctx.client.call('agent', 'BanAgent', { id: agentIdFlag(ctx) });
    if (ctx.json) return ctx.printJson({ type: 'google.protobuf.Empty', msg: res });
    ctx.out('Agent banned successfully\n');
  },
});
