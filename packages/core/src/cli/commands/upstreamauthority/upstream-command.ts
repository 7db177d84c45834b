import type { Command } from '../../command.js';
import { apiCommand } from '../../api-command.js';

/** The operations on an upstream authority. */
type Verb = 'taint' | 'revoke';

/** What one `upstreamauthority <verb>` command is, with SPIRE's wording. */
export interface UpstreamCommandSpec {
  /** The full command name, e.g. `upstreamauthority taint`: the verb is read from it. */
  name: `upstreamauthority ${Verb}`;
  synopsis: string;
  /** The usage of its -subjectKeyID flag. */
  usage: string;
  /** The past tense SPIRE prints (`Tainted`). */
  past: string;
}

/** `upstreamauthority taint|revoke -subjectKeyID <skid>`. */
export function upstreamCommand(spec: UpstreamCommandSpec): Command {
  const verb = spec.name.split(' ')[1] as Verb;
  const method = verb === 'taint' ? 'TaintX509UpstreamAuthority' : 'RevokeX509UpstreamAuthority';
  return apiCommand({
    name: spec.name,
    synopsis: spec.synopsis,
    flags: [{ name: 'subjectKeyID', kind: 'string', usage: spec.usage, default: '' }],
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
      ctx.out(`${spec.past} X.509 upstream authority:\n  Subject Key ID: ${r.upstream_authority_subject_key_id}\n`);
    },
  });
}
