import { apiCommand } from '../../api-command.js';
import type { BatchDeleteFederationRelationshipResponse__Output } from '../../../proto/gen/api/spire/api/server/trustdomain/v1/BatchDeleteFederationRelationshipResponse.js';
import { goQuote } from '../../go-format.js';

/** `spire-server federation delete`: deletes the relationship with one trust domain. */
export const federationDeleteCommand = apiCommand({
  name: 'federation delete',
  synopsis: 'Deletes a dynamic federation relationship',
  flags: [{ name: 'id', kind: 'string', usage: 'SPIFFE ID of the trust domain', default: '' }],
  output: true,
  async run(ctx) {
    const id = ctx.str('id');
    if (id === '') throw new Error('id is required');
    let res: BatchDeleteFederationRelationshipResponse__Output;
    try {
      res = await ctx.client.call<BatchDeleteFederationRelationshipResponse__Output>('trustDomain', 'BatchDeleteFederationRelationship', { trust_domains: [id] });
    } catch (err) {
      throw new Error(`failed to delete federation relationship: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipResponse', msg: res });
    const r = res.results[0];
    if (!r) throw new Error('internal error: cli printer; please report this bug');
    if (r.status!.code !== 0) throw new Error(`failed to delete federation relationship ${goQuote(r.trust_domain)}: ${r.status!.message}`);
    ctx.out('federation relationship deleted.\n');
  },
});
