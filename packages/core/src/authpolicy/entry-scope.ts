import type { EntryConstraint } from './policy-data.js';

/** The fields of an entry a scope looks at. */
export interface ScopedEntryFields {
  spiffeId: string;
  parentId: string;
  admin: boolean;
  downstream: boolean;
}

function under(id: string, prefixes: string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((p) => id.startsWith(p));
}

/**
 * The entries an `allow_callers` grant lets its caller read and write: the union of the
 * `entries` constraints of every rule that matched the caller. Immutable; safe to share.
 */
export class EntryScope {
  constructor(private readonly constraints: readonly EntryConstraint[]) {}

  /** Whether the caller may see or touch `e` (an entry as stored, or as it would be written). */
  covers(e: ScopedEntryFields): boolean {
    return this.constraints.some(
      (c) =>
        under(e.spiffeId, c.spiffeIdPrefixes) &&
        under(e.parentId, c.parentIdPrefixes) &&
        (!e.admin || c.adminEntries) &&
        (!e.downstream || c.downstreamEntries),
    );
  }
}
