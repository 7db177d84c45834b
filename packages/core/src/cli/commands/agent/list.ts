import { apiCommand } from '../../api-command.js';
import type { ListAgentsResponse__Output } from '../../../proto/gen/api/spire/api/server/agent/v1/ListAgentsResponse.js';
import { pluralize } from '../../go-format.js';
import { writeAll } from '../../output.js';
import type { ProtoAgent } from '../../../api/convert/agent.js';
import { agentFilter, AGENT_FILTER_FLAGS, formatAgent } from './agent-common.js';

/** `spire-server agent list`: every attested agent (all pages) matching the filters. */
export const agentListCommand = apiCommand({
  name: 'agent list',
  synopsis: 'Lists attested agents and their SPIFFE IDs',
  flags: AGENT_FILTER_FLAGS,
  output: true,
  async run(ctx) {
    const filter = agentFilter(ctx);
    const agents: ProtoAgent[] = [];
    let token = '';
    do {
      const res = await ctx.client.call<ListAgentsResponse__Output>('agent', 'ListAgents', { filter, page_size: 1000, page_token: token });
      for (const a of res.agents) agents.push(a);
      token = res.next_page_token;
    } while (token !== '');
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.agent.v1.ListAgentsResponse', msg: { agents, next_page_token: '' } });
    if (agents.length === 0) return ctx.out('No attested agents found\n');
    await writeAll(ctx.io.stdout, `${pluralize(`Found ${agents.length} attested `, 'agent', 'agents', agents.length)}:\n\n`);
    let chunk = '';
    for (const a of agents) {
      chunk += formatAgent(a);
      if (chunk.length > 64 * 1024) {
        await writeAll(ctx.io.stdout, chunk);
        chunk = '';
      }
    }
    await writeAll(ctx.io.stdout, chunk);
  },
});
