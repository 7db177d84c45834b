import { apiCommand } from '../../api-command.js';
import { RpcError } from '../../rpc-error.js';
import { goQuote } from '../../go-format.js';

/** `spire-server federation refresh`: fetches a federated bundle from its endpoint now. */
export const federationRefreshCommand = apiCommand({
  name: 'federation refresh',
  synopsis: 'Refreshes the bundle from the specified federated trust domain',
  flags: [{ name: 'id', kind: 'string', usage: 'SPIFFE ID of the trust domain', default: '' }],
  output: true,
  async run(ctx) {
    const id = ctx.str('id');
    if (id === '') throw new Error('id is required');
    try {
      await ctx.client.call('trustDomain', 'RefreshBundle', { trust_domain: id });
    } catch (err) {
      if (err instanceof RpcError && err.code === 5) throw new Error(`there is no federation relationship with trust domain ${goQuote(id)}`);
      throw new Error(`failed to refresh bundle: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Status', msg: { code: 0, message: 'OK' } });
    ctx.out('Bundle refreshed\n');
  },
});
