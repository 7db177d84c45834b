import type { Selector } from '../../plugins/datastore/contract.js';
import type { Selector__Output as ProtoSelector } from '../../proto/gen/api/spire/api/types/Selector.js';

/** Validates wire selectors (type and value required, no ':' in type). Throws Error with SPIRE's message. */
export function selectorsFromProto(list: readonly ProtoSelector[]): Selector[] {
  return list.map((s) => {
    if (!s.type) throw new Error('missing selector type');
    if (s.type.includes(':')) throw new Error("selector type contains ':'");
    if (!s.value) throw new Error('missing selector value');
    return { type: s.type, value: s.value };
  });
}

/** Wire form of stored selectors. */
export function protoFromSelectors(list: readonly Selector[]): ProtoSelector[] {
  return list.map((s) => ({ type: s.type, value: s.value }));
}

/** Parses the CLI form `type:value`. Throws Error naming the problem. */
export function parseSelectorString(s: string): Selector {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new Error(`selector "${s}" must be formatted as type:value`);
  return { type: s.slice(0, i), value: s.slice(i + 1) };
}

/** Byte-wise order of two strings' UTF-8 forms (Go's string comparison). */
function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Each selector once, sorted by type, then value (byte order), as SPIRE's selector.Dedupe does
 * with an agent's selectors before storing them. Returns a new array.
 */
export function dedupeSelectors(...sets: readonly (readonly Selector[])[]): Selector[] {
  const seen = new Map<string, Selector>();
  for (const set of sets) for (const s of set) seen.set(`${s.type}\u0000${s.value}`, { type: s.type, value: s.value });
  return [...seen.values()].sort((a, b) => compareBytes(a.type, b.type) || compareBytes(a.value, b.value));
}
