import type { Command } from '../../command.js';
import type { AuthorityState__Output } from '../../../proto/gen/api/spire/api/server/localauthority/v1/AuthorityState.js';
import { apiCommand } from '../../api-command.js';
import { goTimeUtc } from '../../go-format.js';

/** spire.api.server.localauthority.v1.AuthorityState as proto-loader presents it (generated). */
type ProtoAuthorityState = AuthorityState__Output;

const PKG = 'spire.api.server.localauthority.v1';

/** One authority as SPIRE prints it; X.509 authorities also show the upstream authority. */
function formatState(s: ProtoAuthorityState, x509: boolean): string {
  let out = `  Authority ID: ${s.authority_id}\n  Expires at: ${goTimeUtc(Number(s.expires_at))}\n`;
  if (!x509) return out;
  out += s.upstream_authority_subject_key_id ? `  Upstream authority Subject Key ID: ${s.upstream_authority_subject_key_id}\n` : '  Upstream authority ID: No upstream authority\n';
  return out;
}

/**
 * The five `localauthority <x509|jwt>` commands (show, prepare, activate, taint, revoke) for one
 * kind, with SPIRE's synopses, messages and output.
 */
export function localAuthorityCommands(kind: 'x509' | 'jwt'): Command[] {
  const x509 = kind === 'x509';
  const K = x509 ? 'X.509' : 'JWT';
  const M = x509 ? 'X509' : 'JWT';
  const signing = x509 ? 'X.509' : 'JWT';
  const show = apiCommand({
    name: `localauthority ${kind} show`,
    synopsis: `Shows the local ${K} authorities`,
    flags: [],
    output: true,
    async run(ctx) {
      let r: { active: ProtoAuthorityState | null; prepared: ProtoAuthorityState | null; old: ProtoAuthorityState | null };
      try {
        r = await ctx.client.call('localAuthority', `Get${M}AuthorityState`, {});
      } catch (err) {
        throw new Error(`could not get ${K} authorities: ${(err as Error).message}`);
      }
      if (ctx.json) return ctx.printJson({ type: `${PKG}.Get${M}AuthorityStateResponse`, msg: r });
      const part = (label: string, s: ProtoAuthorityState | null) => `${label} ${K} authority:\n${s ? formatState(s, x509) : `  No ${label.toLowerCase()} ${K} authority found\n`}`;
      ctx.out(`${part('Active', r.active)}\n${part('Prepared', r.prepared)}\n${part('Old', r.old)}`);
    },
  });
  const prepare = apiCommand({
    name: `localauthority ${kind} prepare`,
    synopsis: x509
      ? 'Prepares a new X.509 authority for use by generating a new key and injecting the resulting CA certificate into the bundle'
      : 'Prepares a new JWT authority for use by generating a new key and injecting it into the bundle',
    flags: [],
    output: true,
    async run(ctx) {
      let r: { prepared_authority: ProtoAuthorityState | null };
      try {
        r = await ctx.client.call('localAuthority', `Prepare${M}Authority`, {});
      } catch (err) {
        throw new Error(`could not prepare ${K} authority: ${(err as Error).message}`);
      }
      if (ctx.json) return ctx.printJson({ type: `${PKG}.Prepare${M}AuthorityResponse`, msg: r });
      ctx.out(`Prepared ${K} authority:\n`);
      if (!r.prepared_authority) throw new Error(`internal error: expected to have prepared ${K} authority information`);
      ctx.out(formatState(r.prepared_authority, x509));
    },
  });
  const withId = (verb: 'activate' | 'taint' | 'revoke', synopsis: string, field: string, past: string) =>
    apiCommand({
      name: `localauthority ${kind} ${verb}`,
      synopsis,
      flags: [{ name: 'authorityID', kind: 'string', usage: `The authority ID of the ${K} authority to ${verb}`, default: '' }],
      output: true,
      async run(ctx) {
        const id = ctx.str('authorityID');
        if (id === '') throw new Error('an authority ID is required');
        const method = `${verb[0]!.toUpperCase()}${verb.slice(1)}${M}Authority`;
        let r: Record<string, ProtoAuthorityState | null>;
        try {
          r = await ctx.client.call('localAuthority', method, { authority_id: id });
        } catch (err) {
          throw new Error(`could not ${verb} ${K} authority: ${(err as Error).message}`);
        }
        if (ctx.json) return ctx.printJson({ type: `${PKG}.${method}Response`, msg: r });
        ctx.out(`${past} ${K} authority:\n`);
        const s = r[field];
        if (!s) throw new Error(`internal error: expected to have ${past.toLowerCase()} ${K} authority information`);
        ctx.out(formatState(s, x509));
      },
    });
  return [
    show,
    prepare,
    withId('activate', `Activates a prepared ${K} authority for use, which will cause it to be used for all ${signing} signing operations serviced by this server going forward`, 'activated_authority', 'Activated'),
    withId('taint', `Marks the previously active ${K} authority as being tainted`, 'tainted_authority', 'Tainted'),
    withId('revoke', `Revokes the previously active ${K} authority by removing it from the bundle and propagating this update throughout the cluster`, 'revoked_authority', 'Revoked'),
  ];
}
