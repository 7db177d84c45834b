import { apiCommand } from '../../api-command.js';
import type { ProtoAgent } from '../../../api/convert/agent.js';
import { agentIdFlag, formatAgent } from './agent-common.js';

/** `spire-server agent show`: one agent and its selectors. */
export const agentShowCommand = apiCommand({
  name: 'agent show',
  synopsis: 'Shows the details of an attested agent given its SPIFFE ID',
  flags: [{ name: 'spiffeID', kind: 'string', usage: 'The SPIFFE ID of the agent to show (agent identity)', default: '' }],
  output: true,
  async run(ctx) {
    const agent = await ctx.client.call<ProtoAgent>('agent', 'GetAgent', { id: agentIdFlag(ctx) });
    if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Agent', msg: agent });
    ctx.out(`Found an attested agent given its SPIFFE ID\n\n${formatAgent(agent)}`);
    ctx.out(agent.selectors.map((s) => `Selectors         : ${s.type}:${s.value}\n`).join(''));
  },
});
