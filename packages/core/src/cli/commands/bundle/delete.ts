import { apiCommand } from '../../api-command.js';
import type { BatchDeleteFederatedBundleResponse__Output } from '../../../proto/gen/api/spire/api/server/bundle/v1/BatchDeleteFederatedBundleResponse.js';
import { goQuote } from '../../go-format.js';

const MODES: Record<string, string> = { '': 'RESTRICT', restrict: 'RESTRICT', dissociate: 'DISSOCIATE', delete: 'DELETE' };

/** `spire-server bundle delete`: deletes a federated bundle; -mode says what happens to entries federating with it. */
export const bundleDeleteCommand = apiCommand({
  name: 'bundle delete',
  synopsis: 'Deletes federated bundle data',
  flags: [
    { name: 'id', kind: 'string', usage: 'SPIFFE ID of the trust domain', default: '' },
    { name: 'mode', kind: 'string', usage: 'Deletion mode: one of restrict, delete, or dissociate', default: 'restrict' },
  ],
  output: true,
  async run(ctx) {
    const id = ctx.str('id');
    if (id === '') throw new Error('id is required');
    const mode = MODES[ctx.str('mode')];
    if (!mode) throw new Error(`unsupported mode ${goQuote(ctx.str('mode'))}`);
    let res: BatchDeleteFederatedBundleResponse__Output;
    try {
      res = await ctx.client.call<BatchDeleteFederatedBundleResponse__Output>('bundle', 'BatchDeleteFederatedBundle', { trust_domains: [id], mode });
    } catch (err) {
      throw new Error(`failed to delete federated bundle: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.bundle.v1.BatchDeleteFederatedBundleResponse', msg: res });
    const r = res.results[0]!;
    if (r.status!.code !== 0) throw new Error(`failed to delete federated bundle ${goQuote(r.trust_domain)}: ${r.status!.message}`);
    ctx.out('bundle deleted.\n');
  },
});
