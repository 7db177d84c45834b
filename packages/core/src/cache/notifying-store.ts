import type { AttestedNode, BatchResult, DataStore, RegistrationEntry } from '../plugins/datastore/contract.js';

/** Receives what changed through the wrapped store (the cache implements it). */
export interface ChangeListener {
  noteEntryChanged(entryId: string): void;
  noteNodeChanged(spiffeId: string): void;
}

type Hook = (listener: ChangeListener, args: unknown[], result: unknown) => void;

const HOOKS: Partial<Record<keyof DataStore, Hook>> = {
  createRegistrationEntry: (l, _a, r) => l.noteEntryChanged((r as RegistrationEntry).entryId),
  createRegistrationEntries: (l, _a, r) => {
    for (const x of r as BatchResult<RegistrationEntry>[]) if (x.ok) l.noteEntryChanged(x.value.entryId);
  },
  createOrReturnRegistrationEntry: (l, _a, r) => {
    const out = r as { entry: RegistrationEntry; existing: boolean };
    if (!out.existing) l.noteEntryChanged(out.entry.entryId);
  },
  updateRegistrationEntry: (l, _a, r) => l.noteEntryChanged((r as RegistrationEntry).entryId),
  deleteRegistrationEntry: (l, a) => l.noteEntryChanged(a[0] as string),
  createAttestedNode: (l, _a, r) => l.noteNodeChanged((r as AttestedNode).spiffeId),
  updateAttestedNode: (l, _a, r) => l.noteNodeChanged((r as AttestedNode).spiffeId),
  deleteAttestedNode: (l, a) => l.noteNodeChanged(a[0] as string),
  setNodeSelectors: (l, a) => l.noteNodeChanged(a[0] as string),
};

/**
 * Wraps a DataStore so that every entry or node written through it is reported to `listener`
 * after the write succeeds (a failed write reports nothing). Give the wrapped store to the API so
 * that entries created, updated or deleted through this server reach agents at their next sync.
 * Bulk operations whose records are not known (prunes, bundle deletes in DELETE mode) are left to
 * the cache's periodic reload or event poll. Every other method is passed through unchanged.
 * Wrapping twice reports twice (harmless).
 */
export function withCacheNotifications(ds: DataStore, listener: ChangeListener): DataStore {
  return new Proxy(ds, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const hook = HOOKS[prop as keyof DataStore];
      const fn = value as (...args: unknown[]) => unknown;
      if (!hook) return fn.bind(target);
      return async (...args: unknown[]) => {
        const result = await fn.apply(target, args);
        hook(listener, args, result);
        return result;
      };
    },
  });
}
