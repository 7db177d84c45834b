import { formatDuration } from '../../../duration.js';
import type { GetInfoResponse__Output } from '../../../proto/gen/api/spire/api/server/debug/v1/GetInfoResponse.js';
import { apiCommand } from '../../api-command.js';
import { rfc3339 } from '../../duration-flag.js';

type GetInfo = GetInfoResponse__Output;

/** `spire-server debug getinfo`: uptime, counts and the server's SVID chain. */
export const debugGetInfoCommand = apiCommand({
  name: 'debug getinfo',
  synopsis: 'Prints debug information about the server',
  flags: [],
  output: true,
  async run(ctx) {
    const r = await ctx.client.call<GetInfo>('debug', 'GetInfo', {});
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.debug.v1.GetInfoResponse', msg: r });
    let s = 'Server Debug Info:\n';
    s += `  Uptime:                  ${formatDuration(r.uptime * 1000)}\n`;
    s += `  Registered Agents:       ${r.agents_count}\n`;
    s += `  Registration Entries:    ${r.entries_count}\n`;
    s += `  Federated Bundles:       ${r.federated_bundles_count}\n`;
    if (r.svid_chain.length > 0) {
      s += '  SVID Chain:\n';
      r.svid_chain.forEach((c, i) => {
        s += `    [${i}] SPIFFE ID:  ${c.id ? `spiffe://${c.id.trust_domain}${c.id.path}` : '(none)'}\n`;
        s += `        Subject:    ${c.subject}\n`;
        s += `        Expires At: ${rfc3339(Number(c.expires_at))}\n`;
      });
    }
    ctx.out(s);
  },
});
