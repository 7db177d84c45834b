import { Code } from '../../errors.js';
import { AuthPolicyErrors, ENTRY_OUT_OF_SCOPE } from '../../authpolicy/errors.js';
import type { DataStore, RegistrationEntry, RegistrationEntryMask } from '../../plugins/datastore/contract.js';
import type { CallContext } from '../handler.js';
import { makeStatus, type ApiStatus } from '../status.js';

/*
 * How entry handlers apply the entry scope an `allow_callers` rule gave the caller (see
 * authpolicy/ and docs/authorization.md). The policy decides what the scope is; these helpers
 * only hand it the entries a call reads or writes. A call without a scope passes through.
 */

/** Whether the call may touch `e` (true when the call has no entry scope). */
export function inScope(ctx: CallContext, e: RegistrationEntry): boolean {
  return ctx.authorized.entryScope?.covers(e) ?? true;
}

/** The entries of `list` the call may see (all of them when the call has no entry scope). */
export function visibleEntries(ctx: CallContext, list: RegistrationEntry[]): RegistrationEntry[] {
  const scope = ctx.authorized.entryScope;
  return scope ? list.filter((e) => scope.covers(e)) : list;
}

/** The per-item PermissionDenied of an entry outside the scope (logged once). */
export function outOfScopeStatus(ctx: CallContext): ApiStatus {
  return makeStatus(ctx.log, Code.PERMISSION_DENIED, ENTRY_OUT_OF_SCOPE);
}

/** Throws the PermissionDenied of an entry outside the scope, when `e` is one. */
export function assertInScope(ctx: CallContext, e: RegistrationEntry): void {
  if (!inScope(ctx, e)) {
    ctx.log.error(ENTRY_OUT_OF_SCOPE);
    throw AuthPolicyErrors.entryOutOfScope();
  }
}

/**
 * For a write to the stored entry `id` (update or delete) under an entry scope: whether the stored
 * entry and, for an update, the entry as it would be after `next` under `mask`, are both in scope.
 * Answers 'missing' when the entry does not exist (the write then fails as it would anyway), and
 * true at once when the call has no scope. A store failure is thrown as the store threw it, for the
 * handler to report as it reports its write failing.
 */
export async function storedInScope(
  ctx: CallContext,
  ds: DataStore,
  id: string,
  next?: { entry: RegistrationEntry; mask: RegistrationEntryMask },
): Promise<boolean | 'missing'> {
  if (!ctx.authorized.entryScope) return true;
  const stored = await ds.fetchRegistrationEntry(id);
  if (!stored) return 'missing';
  if (!inScope(ctx, stored)) return false;
  if (!next) return true;
  const m = next.mask;
  const after = {
    ...stored,
    spiffeId: m.spiffeId ? next.entry.spiffeId : stored.spiffeId,
    parentId: m.parentId ? next.entry.parentId : stored.parentId,
    admin: m.admin ? next.entry.admin : stored.admin,
    downstream: m.downstream ? next.entry.downstream : stored.downstream,
  };
  return inScope(ctx, after);
}
