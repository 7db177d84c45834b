import { apiCommand } from '../../api-command.js';
import { formatRelationship, type ProtoRelationship } from './federation-common.js';

/** `spire-server federation show`: one relationship by trust domain. */
export const federationShowCommand = apiCommand({
  name: 'federation show',
  synopsis: 'Shows a dynamic federation relationship',
  flags: [{ name: 'trustDomain', kind: 'string', usage: 'The trust domain name of the federation relationship to show', default: '' }],
  output: true,
  async run(ctx) {
    const td = ctx.str('trustDomain');
    if (td === '') throw new Error('a trust domain name is required');
    let r: ProtoRelationship;
    try {
      r = await ctx.client.call('trustDomain', 'GetFederationRelationship', { trust_domain: td });
    } catch (err) {
      throw new Error(`error showing federation relationship: ${(err as Error).message}`);
    }
    if (ctx.json) return ctx.printJson({ type: 'spire.api.types.FederationRelationship', msg: r });
    ctx.out(`Found a federation relationship with trust domain ${td}:\n\n${formatRelationship(r)}`);
  },
});
