import type { MatchBehavior } from '@spire-ts/core';
import { SqlErrors } from '../errors.js';

/**
 * How a set-valued attribute (an entry's selectors or trust domains, a node's selectors) is
 * stored: rows of `from`, owned through `owner`, one row per member, a member never twice.
 */
export interface SetTable<T> {
  from: string;
  owner: string;
  /** A predicate matching one member, with `?` placeholders. */
  member: string;
  memberParams: (item: T) => unknown[];
}

/**
 * A condition on `outer` (the owner's key in the outer query) that holds when the owner's set
 * relates to `items` as `match` says: EXACT (the same set), SUBSET (owner's set within items,
 * not empty), SUPERSET (owner's set contains every item) or MATCH_ANY (at least one in common).
 * Throws INVALID_ARGUMENT for an unknown match behaviour.
 */
export function setMatchSql<T>(
  field: string,
  outer: string,
  t: SetTable<T>,
  items: readonly T[],
  match: MatchBehavior,
): { sql: string; params: unknown[] } {
  const any = items.map(() => t.member).join(' OR ');
  const anyParams = items.flatMap(t.memberParams);
  const inAny = `${outer} IN (SELECT ${t.owner} FROM ${t.from} WHERE ${any})`;
  const allOf = `${outer} IN (SELECT ${t.owner} FROM ${t.from} WHERE ${any} GROUP BY ${t.owner} HAVING COUNT(*) = ?)`;
  const noOther = `NOT EXISTS (SELECT 1 FROM ${t.from} WHERE ${t.owner} = ${outer} AND NOT (${any}))`;
  switch (match) {
    case 'MATCH_ANY':
      return { sql: inAny, params: anyParams };
    case 'SUPERSET':
      return { sql: allOf, params: [...anyParams, items.length] };
    case 'SUBSET':
      return { sql: `${inAny} AND ${noOther}`, params: [...anyParams, ...anyParams] };
    case 'EXACT':
      return { sql: `${allOf} AND ${noOther}`, params: [...anyParams, items.length, ...anyParams] };
    default:
      throw SqlErrors.badMatch(field, match);
  }
}
