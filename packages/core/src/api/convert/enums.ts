import type { MatchBehavior } from '../../plugins/datastore/contract.js';

/**
 * Reads a MatchBehavior enum as it arrives (a name; a number means a value the proto does not
 * define). Throws Error "unknown match behavior N" for unknown values.
 */
export function matchFromProto(v: unknown): MatchBehavior {
  switch (v) {
    case 'MATCH_EXACT':
    case undefined:
    case null:
      return 'EXACT';
    case 'MATCH_SUBSET':
      return 'SUBSET';
    case 'MATCH_SUPERSET':
      return 'SUPERSET';
    case 'MATCH_ANY':
      return 'MATCH_ANY';
    default:
      throw new Error(`unknown match behavior ${String(v)}`);
  }
}

/** True when an enum field carries a number: a value not defined in the .proto. */
export function isUnknownEnum(v: unknown): boolean {
  return typeof v === 'number';
}
