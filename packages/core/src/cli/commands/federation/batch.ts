import type { ApiCommandContext } from '../../api-command.js';
import type { BatchCreateFederationRelationshipResponse__Output } from '../../../proto/gen/api/spire/api/server/trustdomain/v1/BatchCreateFederationRelationshipResponse.js';
import { statusSuffix } from '../entry/entry-common.js';
import { formatRelationship, relationshipsFromCommand } from './federation-common.js';

/**
 * Runs federation create/update: sends the relationships, prints each success (after a blank
 * line) on stdout and each failure on stderr with its status, as SPIRE. Throws when any failed.
 */
export async function sendRelationships(ctx: ApiCommandContext, verb: 'create' | 'update'): Promise<void> {
  const rels = await relationshipsFromCommand(ctx);
  const method = verb === 'create' ? 'BatchCreateFederationRelationship' : 'BatchUpdateFederationRelationship';
  // The create and update responses have the same fields.
  let res: BatchCreateFederationRelationshipResponse__Output;
  try {
    res = await ctx.client.call<BatchCreateFederationRelationshipResponse__Output>('trustDomain', method, { federation_relationships: rels });
  } catch (err) {
    throw new Error(`request failed: ${(err as Error).message}`);
  }
  res.results.forEach((r, i) => {
    if (r.status!.code !== 0) r.federation_relationship = rels[i] ?? r.federation_relationship;
  });
  if (ctx.json) return ctx.printJson({ type: `spire.api.server.trustdomain.v1.${method}Response`, msg: res });
  const ok = res.results.filter((r) => r.status!.code === 0);
  const failed = res.results.filter((r) => r.status!.code !== 0);
  for (const r of ok) ctx.out(`\n${formatRelationship(r.federation_relationship!)}`);
  for (const r of failed) {
    ctx.out('\n');
    ctx.err(`Failed to ${verb} the following federation relationship ${statusSuffix(r.status!)}:\n${formatRelationship(r.federation_relationship!)}`);
  }
  if (failed.length > 0) throw new Error(`failed to ${verb} one or more federation relationships`);
}
