import { apiCommand } from '../../api-command.js';

function upstream(verb: 'taint' | 'revoke', synopsis: string, usage: string, past: string) {
  const method = verb === 'taint' ? 'TaintX509UpstreamAuthority' : 'RevokeX509UpstreamAuthority';
  return apiCommand({
    name: `upstreamauthority ${verb}`,
    synopsis,
    flags: [{ name: 'subjectKeyID', kind: 'string', usage, default: '' }],
    output: true,
    async run(ctx) {
      const skid = ctx.str('subjectKeyID');
      if (skid === '') throw new Error('the Subject Key ID of the X.509 upstream authority is required');
      let r: { upstream_authority_subject_key_id: string };
      try {
        r = await ctx.client.call('localAuthority', method, { subject_key_id: skid });
      } catch (err) {
        throw new Error(`could not ${verb} X.509 upstream authority: ${(err as Error).message}`);
      }
      if (ctx.json) return ctx.printJson({ type: `spire.api.server.localauthority.v1.${method}Response`, msg: r });
      ctx.out(`${past} X.509 upstream authority:\n  Subject Key ID: ${r.upstream_authority_subject_key_id}\n`);
    },
  });
}

/** `spire-server upstreamauthority taint`. */
export const upstreamAuthorityTaintCommand = upstream(
  'taint',
  'Marks the provided X.509 upstream authority as being tainted',
  "The X.509 Subject Key Identifier (or SKID) of the authority's CA certificate of the upstream X.509 authority to taint",
  'Tainted',
);

/** `spire-server upstreamauthority revoke`. */
export const upstreamAuthorityRevokeCommand = upstream(
  'revoke',
  'Revokes the previously active X.509 upstream authority by removing it from the bundle and propagating this update throughout the cluster',
  "The X.509 Subject Key Identifier (or SKID) of the authority's CA certificate of the X.509 upstream authority to revoke",
  'Revoked',
);
