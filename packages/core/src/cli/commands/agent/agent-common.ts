import type { ProtoAgent } from '../../../api/convert/agent.js';
import { SpiffeId } from '../../../spiffeid/index.js';
import type { ApiCommandContext } from '../../api-command.js';
import type { FlagSpec } from '../../flags.js';
import { goQuote, goTimeLocal } from '../../go-format.js';
import { goTimeParseError } from '../../go-time-parse.js';
import { matchBehavior, parseSelector } from '../../selectors.js';

/** One agent block as SPIRE prints it (labels padded to 18 columns, blank line after). */
export function formatAgent(a: ProtoAgent): string {
  const id = SpiffeId.parse(`spiffe://${a.id?.trust_domain ?? ''}${a.id?.path ?? ''}`).toString();
  let s = `SPIFFE ID         : ${id}\n`;
  s += `Attestation type  : ${a.attestation_type}\n`;
  s += `Expiration time   : ${goTimeLocal(Number(a.x509svid_expires_at))}\n`;
  s += a.banned ? `Banned            : true\n` : `Serial number     : ${a.x509svid_serial_number}\n`;
  s += `Can re-attest     : ${a.can_reattest}\n`;
  if (a.agent_version) s += `Agent version     : ${a.agent_version}\n`;
  return `${s}\n`;
}

/** The `-spiffeID` of ban/evict/show, parsed to the API form; throws SPIRE's messages. */
export function agentIdFlag(ctx: ApiCommandContext): { trust_domain: string; path: string } {
  const s = ctx.str('spiffeID');
  if (s === '') throw new Error('a SPIFFE ID is required');
  const id = SpiffeId.parse(s);
  return { trust_domain: id.trustDomain.name, path: id.path };
}

/** Filter flags of `agent list` and `agent count`. */
export const AGENT_FILTER_FLAGS: readonly FlagSpec[] = [
  { name: 'selector', kind: 'list', usage: 'A colon-delimited type:value selector. Can be used more than once' },
  { name: 'attestationType', kind: 'string', usage: 'Filter by attestation type, like join_token or x509pop.', default: '' },
  { name: 'canReattest', kind: 'string', typeName: 'value', usage: "Filter based on string received, 'true': agents that can reattest, 'false': agents that can't reattest, other value will return all." },
  { name: 'banned', kind: 'string', typeName: 'value', usage: "Filter based on string received, 'true': banned agents, 'false': not banned agents, other value will return all." },
  { name: 'expiresBefore', kind: 'string', usage: 'Filter by expiration time (format: "2006-01-02 15:04:05 -0700 -07")', default: '' },
  { name: 'matchSelectorsOn', kind: 'string', usage: 'The match mode used when filtering by selectors. Options: exact, any, superset and subset', default: 'superset' },
];

const EXPIRES_LAYOUT = '2006-01-02 15:04:05 -0700 -07';

/** Builds the List/CountAgents filter; throws SPIRE's messages. */
export function agentFilter(ctx: ApiCommandContext): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const selectors = ctx.list('selector');
  if (selectors.length > 0) {
    const match = matchBehavior(ctx.str('matchSelectorsOn'), () => 'unsupported match behavior');
    filter.by_selector_match = {
      match,
      selectors: selectors.map((s) => {
        try {
          return parseSelector(s);
        } catch (err) {
          throw new Error(`error parsing selector ${goQuote(s)}: ${(err as Error).message}`);
        }
      }),
    };
  }
  const eb = ctx.str('expiresBefore');
  if (eb !== '') {
    const problem = goTimeParseError(EXPIRES_LAYOUT, eb);
    if (problem !== undefined) throw new Error(`date is not valid: ${problem}`);
    filter.by_expires_before = eb;
  }
  if (ctx.str('attestationType') !== '') filter.by_attestation_type = ctx.str('attestationType');
  const tri = (name: string) => {
    const v = ctx.str(name);
    return v === 'true' ? { value: true } : v === 'false' ? { value: false } : undefined;
  };
  const cr = tri('canReattest');
  if (cr) filter.by_can_reattest = cr;
  const banned = tri('banned');
  if (banned) filter.by_banned = banned;
  return filter;
}
