/** Filter forms → List/Count request filters. */
import type { AgentFilter, EntryFilter, MatchBehavior, Selector } from '../api-types';
import { goTime, localInputToUnix } from './duration';
import { idProto, lines } from './ids';

/** Parses `type:value` (the value is everything after the first colon), as SPIRE's CLI does. */
export function parseSelector(s: string): Selector {
  const i = s.indexOf(':');
  if (i === -1) throw new Error(`selector "${s}" must be formatted as type:value`);
  return { type: s.slice(0, i), value: s.slice(i + 1) };
}

/** Selectors from a text area, one `type:value` per line. */
export function parseSelectors(text: string): Selector[] {
  return lines(text).map(parseSelector);
}

/** `type:value` lines for a text area. */
export function selectorsText(sel: readonly Selector[]): string {
  return sel.map((s) => `${s.type}:${s.value}`).join('\n');
}

/** Tri-state choice of a select: any, yes or no. */
export type Tri = '' | 'true' | 'false';

/** The entries page's filter form. */
export interface EntryFilterForm {
  spiffeId: string;
  parentId: string;
  selectors: string;
  selectorMatch: MatchBehavior;
  federatesWith: string;
  federatesWithMatch: MatchBehavior;
  hint: string;
  downstream: Tri;
}

/** An empty entries filter (SPIRE's CLI defaults: superset for both matches). */
export function emptyEntryFilter(): EntryFilterForm {
  return { spiffeId: '', parentId: '', selectors: '', selectorMatch: 'MATCH_SUPERSET', federatesWith: '', federatesWithMatch: 'MATCH_SUPERSET', hint: '', downstream: '' };
}

/** The ListEntries/CountEntries filter for a form; undefined when nothing is set. Throws on bad input. */
export function entryFilter(f: EntryFilterForm): EntryFilter | undefined {
  const out: EntryFilter = {};
  if (f.spiffeId.trim()) out.by_spiffe_id = idProto(f.spiffeId);
  if (f.parentId.trim()) out.by_parent_id = idProto(f.parentId, 'Parent ID');
  const sel = parseSelectors(f.selectors);
  if (sel.length > 0) out.by_selectors = { selectors: sel, match: f.selectorMatch };
  const fw = lines(f.federatesWith, true);
  if (fw.length > 0) out.by_federates_with = { trust_domains: fw, match: f.federatesWithMatch };
  if (f.hint !== '') out.by_hint = f.hint;
  if (f.downstream !== '') out.by_downstream = f.downstream === 'true';
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The agents page's filter form. */
export interface AgentFilterForm {
  attestationType: string;
  selectors: string;
  selectorMatch: MatchBehavior;
  banned: Tri;
  canReattest: Tri;
  /** `<input type="datetime-local">` value. */
  expiresBefore: string;
  /** Only agents whose SVID has expired (expires before now); wins over expiresBefore. */
  expired: boolean;
}

/** An empty agents filter. */
export function emptyAgentFilter(): AgentFilterForm {
  return { attestationType: '', selectors: '', selectorMatch: 'MATCH_SUPERSET', banned: '', canReattest: '', expiresBefore: '', expired: false };
}

/** The ListAgents/CountAgents filter for a form; undefined when nothing is set. Throws on bad input. */
export function agentFilter(f: AgentFilterForm, now: Date = new Date()): AgentFilter | undefined {
  const out: AgentFilter = {};
  if (f.attestationType.trim()) out.by_attestation_type = f.attestationType.trim();
  const sel = parseSelectors(f.selectors);
  if (sel.length > 0) out.by_selector_match = { selectors: sel, match: f.selectorMatch };
  if (f.banned !== '') out.by_banned = f.banned === 'true';
  if (f.canReattest !== '') out.by_can_reattest = f.canReattest === 'true';
  if (f.expired) out.by_expires_before = goTime(now);
  else if (f.expiresBefore) out.by_expires_before = goTime(new Date(localInputToUnix(f.expiresBefore, 'Expires before') * 1000));
  return Object.keys(out).length > 0 ? out : undefined;
}
