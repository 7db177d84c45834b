import { apiCommand } from '../../api-command.js';
import { pluralize } from '../../go-format.js';
import { formatRelationship, type ProtoRelationship } from './federation-common.js';

/** `spire-server federation list`: every federation relationship. */
export const federationListCommand = apiCommand({
  name: 'federation list',
  synopsis: 'Lists all dynamic federation relationships',
  flags: [],
  output: true,
  async run(ctx) {
    let res: { federation_relationships: ProtoRelationship[]; next_page_token: string };
    try {
      res = await ctx.client.call('trustDomain', 'ListFederationRelationships', {});
    } catch (err) {
      throw new Error(`error listing federation relationship: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.server.trustdomain.v1.ListFederationRelationshipsResponse', msg: res });
    const rels = res.federation_relationships;
    ctx.out(`${pluralize(`Found ${rels.length} `, 'federation relationship', 'federation relationships', rels.length)}\n`);
    for (const r of rels) ctx.out(`\n${formatRelationship(r)}`);
  },
});
