import { SpiffeId } from '../../../spiffeid/index.js';
import type { JoinToken__Output } from '../../../proto/gen/api/spire/api/types/JoinToken.js';
import { apiCommand } from '../../api-command.js';

/** `spire-server token generate`: a join token, optionally bound to an extra agent SPIFFE ID. */
export const tokenGenerateCommand = apiCommand({
  name: 'token generate',
  // Upstream's command calls its flag set "generate".
  flagSetName: 'generate',
  synopsis: 'Generates a join token',
  flags: [
    { name: 'ttl', kind: 'int', usage: 'Token TTL in seconds', default: 600 },
    { name: 'spiffeID', kind: 'string', usage: 'Additional SPIFFE ID to assign the token owner (optional)', default: '' },
  ],
  output: true,
  async run(ctx) {
    const spiffeID = ctx.str('spiffeID');
    let agentId: { trust_domain: string; path: string } | null = null;
    if (spiffeID !== '') {
      const id = SpiffeId.parse(spiffeID);
      agentId = { trust_domain: id.trustDomain.name, path: id.path };
    }
    const ttl = ctx.int('ttl');
    if (ttl > 2 ** 31 - 1 || ttl < -(2 ** 31)) throw new Error(`invalid value for TTL: overflow converting int(${ttl}) to int32`);
    const res = await ctx.client.call<JoinToken__Output>('agent', 'CreateJoinToken', { agent_id: agentId, ttl });
    if (ctx.json) return ctx.printJson({ type: 'spire.api.types.JoinToken', msg: res });
    ctx.out(`Token: ${res.value}\n`);
    if (spiffeID === '') ctx.out('Warning: Missing SPIFFE ID.\n');
  },
});
