import type { AuthorityState__Output } from '../../../proto/gen/api/spire/api/server/localauthority/v1/AuthorityState.js';
import type { Command } from '../../command.js';
import { apiCommand } from '../../api-command.js';
import { goTimeUtc } from '../../go-format.js';

/** spire.api.server.localauthority.v1.AuthorityState as proto-loader presents it (generated). */
type ProtoAuthorityState = AuthorityState__Output;

const PKG = 'spire.api.server.localauthority.v1';

/** The two kinds of local authority. */
type Kind = 'x509' | 'jwt';
/** The operations on one authority ID. */
type IdVerb = 'activate' | 'taint' | 'revoke';

/** What one `localauthority <kind> <verb>` command is: its full name and SPIRE's synopsis. */
export interface AuthorityCommandSpec<V extends string> {
  /** The full command name, e.g. `localauthority x509 taint`: kind and verb are read from it. */
  name: `localauthority ${Kind} ${V}`;
  synopsis: string;
}

/** The kind of a command name, and the words SPIRE prints and calls for it. */
function kindOf(name: string): { x509: boolean; K: string; M: string } {
  const x509 = name.split(' ')[1] === 'x509';
  return { x509, K: x509 ? 'X.509' : 'JWT', M: x509 ? 'X509' : 'JWT' };
}

/** One authority as SPIRE prints it; X.509 authorities also show the upstream authority. */
function formatState(s: ProtoAuthorityState, x509: boolean): string {
  let out = `  Authority ID: ${s.authority_id}\n  Expires at: ${goTimeUtc(Number(s.expires_at))}\n`;
  if (!x509) return out;
  out += s.upstream_authority_subject_key_id ? `  Upstream authority Subject Key ID: ${s.upstream_authority_subject_key_id}\n` : '  Upstream authority ID: No upstream authority\n';
  return out;
}

/** `localauthority <kind> show`: the active, prepared and old authorities. */
export function authorityShowCommand(spec: AuthorityCommandSpec<'show'>): Command {
  const { x509, K, M } = kindOf(spec.name);
  return apiCommand({
    name: spec.name,
    synopsis: spec.synopsis,
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
}

/** `localauthority <kind> prepare`: prepares a new authority and prints it. */
export function authorityPrepareCommand(spec: AuthorityCommandSpec<'prepare'>): Command {
  const { x509, K, M } = kindOf(spec.name);
  return apiCommand({
    name: spec.name,
    synopsis: spec.synopsis,
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
}

/** Per verb: the past tense SPIRE prints, and so the answer's field (`<past>_authority`). */
const PAST: Record<IdVerb, string> = { activate: 'Activated', taint: 'Tainted', revoke: 'Revoked' };

/** `localauthority <kind> activate|taint|revoke -authorityID <id>`. */
export function authorityIdCommand(spec: AuthorityCommandSpec<IdVerb>): Command {
  const { x509, K, M } = kindOf(spec.name);
  const verb = spec.name.split(' ')[2] as IdVerb;
  const past = PAST[verb];
  const field = `${past.toLowerCase()}_authority`;
  const method = `${verb[0]!.toUpperCase()}${verb.slice(1)}${M}Authority`;
  return apiCommand({
    name: spec.name,
    synopsis: spec.synopsis,
    flags: [{ name: 'authorityID', kind: 'string', usage: `The authority ID of the ${K} authority to ${verb}`, default: '' }],
    output: true,
    async run(ctx) {
      const id = ctx.str('authorityID');
      if (id === '') throw new Error('an authority ID is required');
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
}
