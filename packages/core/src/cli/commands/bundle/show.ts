import { apiCommand } from '../../api-command.js';
import type { ProtoBundle } from '../../../api/convert/bundle.js';
import { formatBundle } from '../../../api/convert/spiffe-bundle.js';

/** `spire-server bundle show`: the server's own trust bundle as PEM or a SPIFFE bundle. */
export const bundleShowCommand = apiCommand({
  name: 'bundle show',
  synopsis: 'Prints server CA bundle to stdout',
  flags: [{ name: 'format', kind: 'string', usage: 'The format to show the bundle (only pretty output format supports this flag). Either "pem" or "spiffe".', default: 'pem' }],
  output: true,
  async run(ctx) {
    const b = await ctx.client.call<ProtoBundle>('bundle', 'GetBundle', {});
    if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Bundle', msg: b });
    ctx.out(formatBundle(b, ctx.str('format'), false));
  },
});
