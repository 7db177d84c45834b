import type { Selector__Output } from '../proto/gen/api/spire/api/types/Selector.js';
/** A selector as the API carries it (generated). */
export type ProtoSelector = Selector__Output;

/** Parses `type:value` (everything after the first colon is the value), as SPIRE's CLI does. */
export function parseSelector(s: string): ProtoSelector {
  const i = s.indexOf(':');
  if (i === -1) throw new Error(`selector "${s}" must be formatted as type:value`);
  return { type: s.slice(0, i), value: s.slice(i + 1) };
}

/** Maps -matchSelectorsOn / -matchFederatesWithOn to the API enum; throws `err(match)` when unknown. */
export function matchBehavior(match: string, err: (m: string) => string): string {
  switch (match) {
    case 'exact':
      return 'MATCH_EXACT';
    case 'any':
      return 'MATCH_ANY';
    case 'superset':
      return 'MATCH_SUPERSET';
    case 'subset':
      return 'MATCH_SUBSET';
    default:
      throw new Error(err(match));
  }
}

/** Compares selectors by type, then value (byte order), as SPIRE sorts them. */
export function compareSelectors(a: ProtoSelector, b: ProtoSelector): number {
  return cmp(a.type, b.type) || cmp(a.value, b.value);
}

/** Byte-wise string comparison (Go's strings.Compare). */
export function cmp(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
