import type { Bundle, BundleMask, BundlePublicKey, DeleteMode, Pagination } from '@spire-ts/core/plugin';
import { SqlFailure, type SqlDriver, type SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { decodeBundle, decodeStoredBundle, encodeBundle, mergeInto, normalizeBundle, rootCaFacts } from './bundle-codec.js';
import { deleteEntryRows } from './entries.js';
import { addEntryEvents } from './events.js';
import { nextPage, readPage } from './pagination.js';
import { dbTimeMs, forUpdate } from './sql-util.js';

interface BundleRow {
  id: number;
  trust_domain: string;
  data: Uint8Array;
  [k: string]: unknown;
}

async function lockBundle(tx: SqlExecutor, td: string): Promise<BundleRow | undefined> {
  const rows = await tx.query<BundleRow>(`SELECT id, trust_domain, data FROM bundles WHERE trust_domain = ?${forUpdate(tx.dialect)}`, [td]);
  return rows[0];
}

async function insertBundle(tx: SqlExecutor, b: Bundle): Promise<void> {
  const now = dbTimeMs(tx.dialect, Date.now());
  await tx.exec('INSERT INTO bundles (created_at, updated_at, trust_domain, data) VALUES (?, ?, ?, ?)', [now, now, b.trustDomainId, encodeBundle(b)]);
}

/**
 * Rewrites a stored bundle. The fields our Bundle does not model (WIT keys a Go server wrote) are
 * carried over from the row: this API cannot express them, so no write of it drops them.
 */
async function saveBundle(tx: SqlExecutor, row: BundleRow, b: Bundle): Promise<void> {
  const { kept } = decodeStoredBundle(row.data);
  await tx.exec('UPDATE bundles SET updated_at = ?, data = ? WHERE id = ?', [dbTimeMs(tx.dialect, Date.now()), encodeBundle(b, kept), row.id]);
}

/** Runs a write that may race another creator of the same bundle; the loser retries once. */
async function raceSafe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SqlFailure && err.kind === 'unique') return fn();
    throw err;
  }
}

/** Stores a new bundle; ALREADY_EXISTS when the trust domain has one. */
export async function createBundle(db: SqlDriver, input: Bundle): Promise<Bundle> {
  const b = normalizeBundle(input);
  try {
    return await db.transaction(async (tx) => {
      if (await lockBundle(tx, b.trustDomainId)) throw SqlErrors.bundleExists(b.trustDomainId);
      await insertBundle(tx, b);
      return b;
    });
  } catch (err) {
    if (err instanceof SqlFailure && err.kind === 'unique') throw SqlErrors.bundleExists(b.trustDomainId);
    throw err;
  }
}

/** Creates or replaces a checked bundle inside a caller's transaction. */
export async function upsertBundleTx(tx: SqlExecutor, b: Bundle): Promise<void> {
  const row = await lockBundle(tx, b.trustDomainId);
  if (row) await saveBundle(tx, row, b);
  else await insertBundle(tx, b);
}

/** Creates or replaces the bundle. */
export function setBundle(db: SqlDriver, input: Bundle): Promise<Bundle> {
  const b = normalizeBundle(input);
  return raceSafe(() =>
    db.transaction(async (tx) => {
      await upsertBundleTx(tx, b);
      return b;
    }),
  );
}

/** Adds missing root CAs and keys (bumping the sequence number when anything was added). */
export function appendBundle(db: SqlDriver, input: Bundle): Promise<Bundle> {
  const b = normalizeBundle(input);
  return raceSafe(() =>
    db.transaction(async (tx) => {
      const row = await lockBundle(tx, b.trustDomainId);
      if (!row) {
        await insertBundle(tx, b);
        return b;
      }
      const current = decodeBundle(row.data);
      if (mergeInto(current, b)) {
        current.sequenceNumber++;
        await saveBundle(tx, row, current);
      }
      return current;
    }),
  );
}

/** Replaces the masked fields; NOT_FOUND when there is no bundle. */
export function updateBundle(db: SqlDriver, input: Bundle, mask: BundleMask | undefined): Promise<Bundle> {
  const b = normalizeBundle(input);
  return db.transaction(async (tx) => {
    const row = await lockBundle(tx, b.trustDomainId);
    if (!row) throw SqlErrors.bundleNotFound(b.trustDomainId);
    const current = decodeBundle(row.data);
    const all = mask === undefined;
    if (all || mask.rootCas) current.rootCas = b.rootCas;
    if (all || mask.jwtSigningKeys) current.jwtSigningKeys = b.jwtSigningKeys;
    if (all || mask.refreshHint) current.refreshHint = b.refreshHint;
    if (all || mask.sequenceNumber) current.sequenceNumber = b.sequenceNumber;
    await saveBundle(tx, row, current);
    return current;
  });
}

/** The bundle, or undefined. */
export async function fetchBundle(db: SqlExecutor, td: string): Promise<Bundle | undefined> {
  const rows = await db.query<BundleRow>('SELECT id, trust_domain, data FROM bundles WHERE trust_domain = ?', [td]);
  return rows[0] ? decodeBundle(rows[0].data) : undefined;
}

/** Bundles in creation order, one page when asked. */
export async function listBundles(db: SqlExecutor, req: { pagination?: Pagination }): Promise<{ bundles: Bundle[]; pagination?: Pagination }> {
  const page = readPage(req?.pagination);
  const rows = page
    ? await db.query<BundleRow>(`SELECT id, trust_domain, data FROM bundles WHERE id > ? ORDER BY id LIMIT ${page.limit}`, [page.afterId])
    : await db.query<BundleRow>('SELECT id, trust_domain, data FROM bundles ORDER BY id');
  const bundles = rows.map((r) => decodeBundle(r.data));
  if (!page) return { bundles };
  return {
    bundles,
    pagination: nextPage(
      req.pagination!,
      page,
      rows.map((r) => Number(r.id)),
    ),
  };
}

/** How many bundles are stored. */
export async function countBundles(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM bundles');
  return Number(rows[0]?.n ?? 0);
}

/** Deletes the bundle; what happens to federating entries depends on `mode`. */
export function deleteBundle(db: SqlDriver, td: string, mode: DeleteMode): Promise<void> {
  if (mode !== 'RESTRICT' && mode !== 'DELETE' && mode !== 'DISSOCIATE') throw SqlErrors.badDeleteMode(mode);
  return db.transaction(async (tx) => {
    const row = await lockBundle(tx, td);
    if (!row) throw SqlErrors.bundleNotFound(td);
    const linked = await tx.query<{ id: number; entry_id: string }>(
      'SELECT E.id, E.entry_id FROM federated_registration_entries F JOIN registered_entries E ON E.id = F.registered_entry_id WHERE F.bundle_id = ?',
      [row.id],
    );
    if (linked.length > 0) {
      if (mode === 'RESTRICT') throw SqlErrors.bundleInUse(linked.length);
      if (mode === 'DELETE') {
        await deleteEntryRows(
          tx,
          linked.map((l) => Number(l.id)),
        );
      } else {
        await tx.exec('DELETE FROM federated_registration_entries WHERE bundle_id = ?', [row.id]);
      }
      await addEntryEvents(
        tx,
        linked.map((l) => l.entry_id),
      );
    }
    await tx.exec('DELETE FROM bundles WHERE id = ?', [row.id]);
  });
}

async function mutate<T>(db: SqlDriver, td: string, fn: (b: Bundle) => { changed: boolean; out: T }): Promise<T> {
  return db.transaction(async (tx) => {
    const row = await lockBundle(tx, td);
    if (!row) throw SqlErrors.bundleNotFound(td);
    const b = decodeBundle(row.data);
    const { changed, out } = fn(b);
    if (changed) await saveBundle(tx, row, b);
    return out;
  });
}

/** Drops expired root CAs and JWT keys; refuses to drop every root CA. */
export function pruneBundle(db: SqlDriver, td: string, expiresBefore: number): Promise<boolean> {
  return mutate(db, td, (b) => {
    const roots = b.rootCas.filter((c) => rootCaFacts(c.derBytes).notAfter >= expiresBefore);
    const keys = b.jwtSigningKeys.filter((k) => k.notAfter === 0 || k.notAfter >= expiresBefore);
    if (roots.length === 0 && b.rootCas.length > 0) throw SqlErrors.pruneAllRoots(td);
    const changed = roots.length !== b.rootCas.length || keys.length !== b.jwtSigningKeys.length;
    if (changed) {
      b.rootCas = roots;
      b.jwtSigningKeys = keys;
      b.sequenceNumber++;
    }
    return { changed, out: changed };
  });
}

/** Marks a root CA as tainted. */
export function taintX509CA(db: SqlDriver, td: string, ski: string): Promise<void> {
  return mutate(db, td, (b) => {
    const want = ski.toLowerCase();
    const found = b.rootCas.filter((c) => rootCaFacts(c.derBytes).subjectKeyId === want);
    if (found.length === 0) throw SqlErrors.caNotFound();
    for (const c of found) {
      if (c.taintedKey) throw SqlErrors.caAlreadyTainted();
      c.taintedKey = true;
    }
    return { changed: true, out: undefined };
  });
}

/** Removes a tainted root CA. */
export function revokeX509CA(db: SqlDriver, td: string, ski: string): Promise<void> {
  return mutate(db, td, (b) => {
    const want = ski.toLowerCase();
    const found = b.rootCas.filter((c) => rootCaFacts(c.derBytes).subjectKeyId === want);
    if (found.length === 0) throw SqlErrors.caNotFound();
    if (found.some((c) => !c.taintedKey)) throw SqlErrors.caNotTainted();
    b.rootCas = b.rootCas.filter((c) => !found.includes(c));
    return { changed: true, out: undefined };
  });
}

function oneKey(b: Bundle, kid: string): BundlePublicKey {
  const found = b.jwtSigningKeys.filter((k) => k.kid === kid);
  if (found.length === 0) throw SqlErrors.jwtKeyNotFound();
  if (found.length > 1) throw SqlErrors.sqlFailed('another JWT Key found with the same KeyID');
  return found[0]!;
}

/** Marks a JWT key as tainted and returns it. */
export function taintJWTKey(db: SqlDriver, td: string, kid: string): Promise<BundlePublicKey> {
  return mutate(db, td, (b) => {
    const k = oneKey(b, kid);
    if (k.taintedKey) throw SqlErrors.jwtKeyAlreadyTainted();
    k.taintedKey = true;
    return { changed: true, out: { ...k } };
  });
}

/** Removes a tainted JWT key and returns it. */
export function revokeJWTKey(db: SqlDriver, td: string, kid: string): Promise<BundlePublicKey> {
  return mutate(db, td, (b) => {
    const k = oneKey(b, kid);
    if (!k.taintedKey) throw SqlErrors.jwtKeyNotTainted();
    b.jwtSigningKeys = b.jwtSigningKeys.filter((x) => x !== k);
    return { changed: true, out: { ...k } };
  });
}
