import { apiCommand } from '../../api-command.js';
import type { ListFederatedBundlesResponse__Output } from '../../../proto/gen/api/spire/api/server/bundle/v1/ListFederatedBundlesResponse.js';
import type { ProtoBundle } from '../../../api/convert/bundle.js';
import { formatBundle } from '../../../api/convert/spiffe-bundle.js';

/** `spire-server bundle list`: federated bundles (all, or one with -id), each under a header. */
export const bundleListCommand = apiCommand({
  name: 'bundle list',
  synopsis: 'Lists federated bundle data',
  flags: [
    { name: 'id', kind: 'string', usage: 'SPIFFE ID of the trust domain', default: '' },
    { name: 'format', kind: 'string', usage: 'The format to list federated bundles (only pretty output format supports this flag). Either "pem" or "spiffe".', default: 'pem' },
  ],
  output: true,
  async run(ctx) {
    if (ctx.str('id') !== '') {
      const b = await ctx.client.call<ProtoBundle>('bundle', 'GetFederatedBundle', { trust_domain: ctx.str('id') });
      if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Bundle', msg: b });
      return ctx.out(formatBundle(b, ctx.str('format'), false));
    }
    const bundles: ProtoBundle[] = [];
    let token = '';
    do {
      const res = await ctx.client.call<ListFederatedBundlesResponse__Output>('bundle', 'ListFederatedBundles', { page_size: token ? 1000 : 0, page_token: token });
      bundles.push(...res.bundles);
      token = res.next_page_token;
    } while (token !== '');
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.bundle.v1.ListFederatedBundlesResponse', msg: { bundles, next_page_token: '' } });
    ctx.out(bundles.map((b) => formatBundle(b, ctx.str('format'), true)).join('\n'));
  },
});
