import { apiCommand } from '../../api-command.js';
import type { CountAgentsResponse__Output } from '../../../proto/gen/api/spire/api/server/agent/v1/CountAgentsResponse.js';
import { pluralize } from '../../go-format.js';
import { agentFilter, AGENT_FILTER_FLAGS } from './agent-common.js';

/** `spire-server agent count`: counts attested agents matching the filters. */
export const agentCountCommand = apiCommand({
  name: 'agent count',
  synopsis: 'Count attested agents',
  flags: AGENT_FILTER_FLAGS,
  output: true,
  async run(ctx) {
    const res = await ctx.client.call<CountAgentsResponse__Output>('agent', 'CountAgents', { filter: agentFilter(ctx) });
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.agent.v1.CountAgentsResponse', msg: res });
    ctx.out(`${pluralize(`${res.count} attested `, 'agent', 'agents', res.count)}\n`);
  },
});
