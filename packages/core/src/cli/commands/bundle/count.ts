import { apiCommand } from '../../api-command.js';
import type { CountBundlesResponse__Output } from '../../../proto/gen/api/spire/api/server/bundle/v1/CountBundlesResponse.js';
import { pluralize } from '../../go-format.js';

/** `spire-server bundle count`: how many bundles the server holds (its own included). */
export const bundleCountCommand = apiCommand({
  name: 'bundle count',
  synopsis: 'Count bundles',
  flags: [],
  output: true,
  async run(ctx) {
    const res = await ctx.client.call<CountBundlesResponse__Output>('bundle', 'CountBundles', {});
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.bundle.v1.CountBundlesResponse', msg: res });
    ctx.out(`${pluralize(`${res.count} `, 'bundle', 'bundles', res.count)}\n`);
  },
});
