import { parseDuration } from '../../../duration.js';
import { apiCommand } from '../../api-command.js';
import { goJson, pluralize } from '../../go-format.js';
import type { ProtoAgent } from '../../../api/convert/agent.js';
import { purgeExpiredAgents } from '../../../api/agent-purge.js';

/**
 * `spire-server agent purge`: deletes agents that can re-attest and whose SVID expired longer
 * than -expiredFor ago (default 30 days); -dryRun only lists them.
 */
export const agentPurgeCommand = apiCommand({
  name: 'agent purge',
  synopsis: 'Purge expired agents that were attested using a non-TOFU security model based on a given time',
  flags: [
    { name: 'expiredFor', kind: 'duration', usage: "Amount of time that has passed since the agent's SVID has expired. It is used to determine which agents to purge.", default: '720h0m0s' },
    { name: 'dryRun', kind: 'bool', usage: 'Indicates that the command will not perform any action, but will print the agents that would be purged.' },
  ],
  output: true,
  async run(ctx) {
    let expiredForMs: number;
    try {
      expiredForMs = parseDuration(ctx.str('expiredFor'));
    } catch {
      throw new Error(`invalid value ${JSON.stringify(ctx.str('expiredFor'))} for flag -expiredFor: parse error`);
    }
    const expired = await purgeExpiredAgents(
      {
        listAgents: (req) => ctx.client.call<{ agents: ProtoAgent[] }>('agent', 'ListAgents', req),
        deleteAgent: async (id) => {
          await ctx.client.call('agent', 'DeleteAgent', { id });
        },
      },
      { expiredForMs, dryRun: ctx.bool('dryRun'), nowMs: Date.now() },
    );
    if (ctx.json) return ctx.out(goJson({ expired_agents: expired }));
    if (expired.length === 0) return ctx.out('No agents to purge.\n');
    ctx.out(`${pluralize(`Found ${expired.length} expired `, 'agent', 'agents', expired.length)}\n\n`);
    if (ctx.bool('dryRun')) {
      ctx.out('\nAgents that can be purged:\n');
      ctx.out(expired.map((r) => `SPIFFE ID         : ${r.agent_id}\n`).join(''));
      return;
    }
    const purged = expired.filter((r) => r.deleted);
    const notPurged = expired.filter((r) => !r.deleted);
    if (purged.length > 0) ctx.out(`Agents purged:\n${purged.map((r) => `SPIFFE ID         : ${r.agent_id}\n`).join('')}`);
    if (notPurged.length > 0) ctx.out(`Agents not purged:\n${notPurged.map((r) => `SPIFFE ID         : ${r.agent_id}\nError             : ${r.error}\n`).join('')}`);
  },
});
