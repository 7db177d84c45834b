import type {
  BatchResult,
  CountRegistrationEntriesRequest,
  ListRegistrationEntriesRequest,
  ListRegistrationEntriesResponse,
  RegistrationEntry,
  RegistrationEntryMask,
  Selector,
  SpireError,
} from '@spire-ts/core/plugin';
import { SqlFailure, type Dialect, type Row, type SqlDriver, type SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { addEntryEvents } from './events.js';
import { countWhere, nextPage, readPage, selectPage } from './pagination.js';
import { setMatchSql } from './set-match.js';
import { ENTRY_INSERT_COLS, entryCols, entryInsertParams, entryOfRow, type EntryRow } from './entry-row.js';
import { similarEntries } from './similar.js';
import { b, chunks, dbTimeMs, forUpdate, nowSeconds, placeholders, toSpireError } from './sql-util.js';
import { canonicalSelectors, normalizeEntry, type NormalizedEntry } from './validate.js';

/** Rows per multi-row INSERT and ids per IN list: well under every dialect's parameter limit. */
const CHUNK = 1000;

type ChildRow = { eid: number; kind: string; a: string; b: string | null };

/**
 * Selectors ('s', by row id), DNS names ('d', by row id) and trust domains ('f', by name) of the
 * given entry rows. Over a network one UNION ALL saves two round trips per page; in-process SQLite
 * does better with three indexed queries and no sort.
 */
async function childRows(db: SqlExecutor, ids: readonly number[]): Promise<ChildRow[]> {
  const inList = placeholders(ids.length);
  const sels = `SELECT registered_entry_id AS eid, 's' AS kind, type AS a, value AS b, id AS ord FROM selectors WHERE registered_entry_id IN ${inList}`;
  const dns = `SELECT registered_entry_id AS eid, 'd' AS kind, value AS a, NULL AS b, id AS ord FROM dns_names WHERE registered_entry_id IN ${inList}`;
  const fed =
    `SELECT F.registered_entry_id AS eid, 'f' AS kind, B.trust_domain AS a, NULL AS b, 0 AS ord ` +
    `FROM federated_registration_entries F JOIN bundles B ON B.id = F.bundle_id WHERE F.registered_entry_id IN ${inList}`;
  if (db.dialect !== 'sqlite3') {
    return db.query<ChildRow>(`${sels} UNION ALL ${dns} UNION ALL ${fed} ORDER BY kind, ord, a`, [...ids, ...ids, ...ids]);
  }
  return [
    ...(await db.query<ChildRow>(`${sels} ORDER BY ord`, ids)),
    ...(await db.query<ChildRow>(`${dns} ORDER BY ord`, ids)),
    ...(await db.query<ChildRow>(`${fed} ORDER BY a`, ids)),
  ];
}

/** Fills selectors, DNS names and trust domains of entry rows; keeps the rows' order. */
export async function loadEntries(db: SqlExecutor, rows: EntryRow[]): Promise<RegistrationEntry[]> {
  const byId = new Map<number, RegistrationEntry>();
  const out = rows.map((r) => {
    const e = entryOfRow(r);
    byId.set(Number(r.id), e);
    return e;
  });
  for (const ids of chunks([...byId.keys()], CHUNK)) {
    for (const r of await childRows(db, ids)) {
      const e = byId.get(Number(r.eid));
      if (!e) continue;
      if (r.kind === 's') e.selectors.push({ type: r.a, value: r.b ?? '' });
      else if (r.kind === 'd') e.dnsNames.push(r.a);
      else e.federatesWith.push(r.a);
    }
  }
  return out;
}

async function entryRowsBy(db: SqlExecutor, entryIds: readonly string[], lock = ''): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  for (const part of chunks(entryIds, CHUNK)) {
    out.push(...(await db.query<EntryRow>(`SELECT ${entryCols(db.dialect)} FROM registered_entries E WHERE E.entry_id IN ${placeholders(part.length)}${lock}`, part)));
  }
  return out;
}

/** Which of the entry IDs are taken. */
async function takenIds(db: SqlExecutor, entryIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(entryIds, CHUNK)) {
    const rows = await db.query<{ entry_id: string }>(`SELECT entry_id FROM registered_entries WHERE entry_id IN ${placeholders(part.length)}`, part);
    for (const r of rows) out.add(r.entry_id);
  }
  return out;
}

/** Bundle row ids of trust domains; throws INVALID_ARGUMENT naming the first one without a bundle. */
async function bundleIds(db: SqlExecutor, tds: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks([...new Set(tds)], CHUNK)) {
    const rows = await db.query<{ id: number; trust_domain: string }>(
      `SELECT id, trust_domain FROM bundles WHERE trust_domain IN ${placeholders(part.length)}`,
      part,
    );
    for (const r of rows) ids.set(r.trust_domain, Number(r.id));
  }
  return ids;
}

async function insertChildren(tx: SqlExecutor, items: readonly { rowId: number; n: NormalizedEntry }[], bundles: Map<string, number>): Promise<void> {
  const sels: unknown[][] = [];
  const dns: unknown[][] = [];
  const fed: unknown[][] = [];
  const now = dbTimeMs(tx.dialect, Date.now());
  for (const { rowId, n } of items) {
    for (const s of n.entry.selectors) sels.push([now, now, rowId, s.type, s.value]);
    for (const d of n.entry.dnsNames) dns.push([now, now, rowId, d]);
    for (const td of n.entry.federatesWith) fed.push([bundles.get(td), rowId]);
  }
  if (sels.length > 0) await tx.insertMany('selectors', ['created_at', 'updated_at', 'registered_entry_id', 'type', 'value'], sels);
  if (dns.length > 0) await tx.insertMany('dns_names', ['created_at', 'updated_at', 'registered_entry_id', 'value'], dns);
  if (fed.length > 0) await tx.insertMany('federated_registration_entries', ['bundle_id', 'registered_entry_id'], fed);
}

/** Inserts checked entries with their children and events. */
async function insertEntries(tx: SqlExecutor, items: NormalizedEntry[], bundles: Map<string, number>): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((n) => entryInsertParams(tx.dialect, n));
  let idRows: Row[];
  if (tx.dialect === 'mysql') {
    await tx.insertMany('registered_entries', ENTRY_INSERT_COLS, rows);
    idRows = [];
    for (const part of chunks(items, CHUNK)) {
      const ids = part.map((i) => i.entry.entryId);
      idRows.push(...(await tx.query(`SELECT id, entry_id FROM registered_entries WHERE entry_id IN ${placeholders(ids.length)}`, ids)));
    }
  } else {
    idRows = await tx.insertMany('registered_entries', ENTRY_INSERT_COLS, rows, 'id, entry_id');
  }
  const rowIds = new Map(idRows.map((r) => [r.entry_id as string, Number(r.id)]));
  await insertChildren(
    tx,
    items.map((n) => ({ rowId: rowIds.get(n.entry.entryId)!, n })),
    bundles,
  );
  await addEntryEvents(
    tx,
    items.map((i) => i.entry.entryId),
  );
}

type Pending = { i: number; n: NormalizedEntry };

/**
 * In an open transaction: stores the pending entries that pass the checks (taken ID, similar
 * entry, unknown federated bundle) and returns the failure of each that does not, by item index.
 */
async function insertPending(tx: SqlExecutor, pending: readonly Pending[]): Promise<Map<number, SpireError>> {
  const failed = new Map<number, SpireError>();
  const byId = await takenIds(
    tx,
    pending.map((p) => p.n.entry.entryId),
  );
  const bySimilar = await similarEntries(
    tx,
    pending.map((p) => ({ key: p.n.similarityKey, spiffeId: p.n.entry.spiffeId })),
  );
  const bundles = await bundleIds(tx, pending.flatMap((p) => p.n.entry.federatesWith));
  for (const p of pending) {
    const similar = bySimilar.get(p.n.similarityKey);
    if (byId.has(p.n.entry.entryId)) failed.set(p.i, SqlErrors.entryExists(p.n.entry.entryId));
    else if (similar !== undefined) failed.set(p.i, SqlErrors.similarEntry(similar));
    else {
      const missing = p.n.entry.federatesWith.find((td) => !bundles.has(td));
      if (missing !== undefined) failed.set(p.i, SqlErrors.unknownFederatedBundle(missing));
    }
  }
  await insertEntries(
    tx,
    pending.filter((p) => !failed.has(p.i)).map((p) => p.n),
    bundles,
  );
  return failed;
}

/**
 * Creates entries in one transaction; each item fails alone (similar entry, taken ID, unknown
 * federated bundle) while the rest are stored. When a concurrent writer wins a race the database
 * refuses the whole batch; the items are then retried one by one.
 */
export async function createEntries(db: SqlDriver, inputs: RegistrationEntry[]): Promise<BatchResult<RegistrationEntry>[]> {
  const results: BatchResult<RegistrationEntry>[] = new Array(inputs.length);
  const pending: Pending[] = [];
  const seenIds = new Map<string, string>();
  const seenSimilar = new Map<string, string>();
  const now = nowSeconds();
  inputs.forEach((input, i) => {
    try {
      const n = normalizeEntry(input, true);
      n.entry.createdAt = now;
      n.entry.revisionNumber = 0;
      if (seenIds.has(n.entry.entryId)) throw SqlErrors.entryExists(n.entry.entryId);
      const similar = seenSimilar.get(n.similarityKey);
      if (similar !== undefined) throw SqlErrors.similarEntry(similar);
      seenIds.set(n.entry.entryId, n.entry.entryId);
      seenSimilar.set(n.similarityKey, n.entry.entryId);
      pending.push({ i, n });
    } catch (err) {
      results[i] = { ok: false, error: toSpireError(err) };
    }
  });
  if (pending.length === 0) return results;
  try {
    const outcome = await db.transaction((tx) => insertPending(tx, pending));
    for (const p of pending) {
      const err = outcome.get(p.i);
      results[p.i] = err ? { ok: false, error: err } : { ok: true, value: p.n.entry };
    }
  } catch (err) {
    if (err instanceof SqlFailure && err.kind === 'unique') {
      if (pending.length === 1) {
        results[pending[0]!.i] = { ok: false, error: SqlErrors.similarEntryRace() };
      } else {
        for (const p of pending) results[p.i] = (await createEntries(db, [p.n.entry]))[0]!;
      }
    } else {
      const e = toSpireError(err);
      for (const p of pending) results[p.i] = { ok: false, error: e };
    }
  }
  return results;
}

/** Creates one entry; throws what its batch item got. */
export async function createEntry(db: SqlDriver, input: RegistrationEntry): Promise<RegistrationEntry> {
  const [r] = await createEntries(db, [input]);
  if (!r!.ok) throw r!.error;
  return r!.value;
}

/**
 * Creates the entry unless a similar one exists, which is then returned instead: the look-up and
 * the insert are one transaction. When a concurrent writer stores a similar entry first (the
 * database refuses the insert), that entry is read back and returned.
 */
export async function createOrReturnEntry(db: SqlDriver, input: RegistrationEntry): Promise<{ entry: RegistrationEntry; existing: boolean }> {
  const n = normalizeEntry(input, true);
  n.entry.createdAt = nowSeconds();
  n.entry.revisionNumber = 0;
  const findSimilar = async (tx: SqlExecutor): Promise<RegistrationEntry | undefined> => {
    const id = (await similarEntries(tx, [{ key: n.similarityKey, spiffeId: n.entry.spiffeId }])).get(n.similarityKey);
    return id === undefined ? undefined : fetchEntry(tx, id);
  };
  try {
    return await db.transaction(async (tx) => {
      const before = await findSimilar(tx);
      if (before) return { entry: before, existing: true };
      const failed = (await insertPending(tx, [{ i: 0, n }])).get(0);
      if (failed) throw failed;
      return { entry: n.entry, existing: false };
    });
  } catch (err) {
    const after = await db.transaction(findSimilar);
    if (after) return { entry: after, existing: true };
    throw err instanceof SqlFailure && err.kind === 'unique' ? SqlErrors.similarEntryRace() : err;
  }
}

/** The entry, or undefined. Its row and its children are two reads: call it in one transaction. */
export async function fetchEntry(db: SqlExecutor, entryId: string): Promise<RegistrationEntry | undefined> {
  const rows = await entryRowsBy(db, [entryId]);
  return rows.length > 0 ? (await loadEntries(db, rows))[0] : undefined;
}

/** The entries among the IDs. */
export async function fetchEntries(db: SqlExecutor, entryIds: string[]): Promise<Map<string, RegistrationEntry>> {
  const entries = await loadEntries(db, await entryRowsBy(db, [...new Set(entryIds)]));
  return new Map(entries.map((e) => [e.entryId, e]));
}

/** Deletes the entry (children cascade) and records an event. */
export async function deleteEntry(db: SqlDriver, entryId: string): Promise<RegistrationEntry> {
  return db.transaction(async (tx) => {
    const rows = await entryRowsBy(tx, [entryId], forUpdate(tx.dialect));
    if (rows.length === 0) throw SqlErrors.entryNotFound(entryId);
    const [entry] = await loadEntries(tx, rows);
    await deleteEntryRows(
      tx,
      rows.map((r) => Number(r.id)),
    );
    await addEntryEvents(tx, [entryId]);
    return entry!;
  });
}

/** Deletes entry rows and their children (explicitly, so no dialect depends on cascades). */
export async function deleteEntryRows(tx: SqlExecutor, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids, CHUNK)) {
    const inList = placeholders(part.length);
    await tx.exec(`DELETE FROM selectors WHERE registered_entry_id IN ${inList}`, part);
    await tx.exec(`DELETE FROM dns_names WHERE registered_entry_id IN ${inList}`, part);
    await tx.exec(`DELETE FROM federated_registration_entries WHERE registered_entry_id IN ${inList}`, part);
    await tx.exec(`DELETE FROM registered_entries WHERE id IN ${inList}`, part);
  }
}

/** Deletes entries that expired before the time, with events. */
export async function pruneEntries(db: SqlDriver, expiresBefore: number): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number; entry_id: string }>(
      `SELECT id, entry_id FROM registered_entries WHERE expiry <> 0 AND expiry < ?${forUpdate(tx.dialect)}`,
      [expiresBefore],
    );
    if (rows.length === 0) return;
    await deleteEntryRows(
      tx,
      rows.map((r) => Number(r.id)),
    );
    await addEntryEvents(
      tx,
      rows.map((r) => r.entry_id),
    );
  });
}

const ALL_FIELDS: Required<RegistrationEntryMask> = {
  selectors: true,
  parentId: true,
  spiffeId: true,
  x509SvidTtl: true,
  jwtSvidTtl: true,
  federatesWith: true,
  admin: true,
  downstream: true,
  entryExpiry: true,
  dnsNames: true,
  storeSvid: true,
  hint: true,
  additionalAttributes: true,
};

/**
 * Writes the masked fields under a row lock (so concurrent updates of one entry serialise and
 * none is lost), bumps the revision and records an event.
 */
export async function updateEntry(db: SqlDriver, input: RegistrationEntry, mask: RegistrationEntryMask | undefined): Promise<RegistrationEntry> {
  if (typeof input !== 'object' || input === null) throw SqlErrors.missingEntry();
  const m = mask ?? ALL_FIELDS;
  const entryId = typeof input.entryId === 'string' ? input.entryId : '';
  if (entryId === '') throw SqlErrors.missing('entry_id');
  return db.transaction(async (tx) => {
    const rows = await entryRowsBy(tx, [entryId], forUpdate(tx.dialect));
    if (rows.length === 0) throw SqlErrors.entryNotFound(entryId);
    const row = rows[0]!;
    const [current] = await loadEntries(tx, rows);
    const merged: RegistrationEntry = { ...current! };
    for (const key of Object.keys(ALL_FIELDS) as (keyof RegistrationEntryMask)[]) {
      if (m[key]) (merged as unknown as Record<string, unknown>)[key] = (input as unknown as Record<string, unknown>)[key];
    }
    if (m.x509SvidTtl && input.ttl !== undefined) merged.ttl = input.ttl;
    const n = normalizeEntry(merged, false);
    n.entry.createdAt = Number(row.created_at);
    n.entry.revisionNumber = Number(row.revision_number) + 1;
    const clash = (await similarEntries(tx, [{ key: n.similarityKey, spiffeId: n.entry.spiffeId }], Number(row.id))).get(n.similarityKey);
    if (clash !== undefined) throw SqlErrors.similarEntry(clash);
    const bundles = m.federatesWith ? await bundleIds(tx, n.entry.federatesWith) : new Map<string, number>();
    if (m.federatesWith) {
      const missing = n.entry.federatesWith.find((td) => !bundles.has(td));
      if (missing !== undefined) throw SqlErrors.unknownFederatedBundle(missing);
    }
    // Every column the insert writes but created_at and entry_id, with the insert's own values.
    const params = entryInsertParams(tx.dialect, n);
    const kept = ENTRY_INSERT_COLS.map((c, i) => [c, params[i]] as const).filter(([c]) => c !== 'created_at' && c !== 'entry_id');
    await tx.exec(`UPDATE registered_entries SET ${kept.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...kept.map(([, v]) => v), row.id]);
    const rowId = Number(row.id);
    const only: NormalizedEntry = {
      ...n,
      entry: {
        ...n.entry,
        selectors: m.selectors ? n.entry.selectors : [],
        dnsNames: m.dnsNames ? n.entry.dnsNames : [],
        federatesWith: m.federatesWith ? n.entry.federatesWith : [],
      },
    };
    if (m.selectors) await tx.exec('DELETE FROM selectors WHERE registered_entry_id = ?', [rowId]);
    if (m.dnsNames) await tx.exec('DELETE FROM dns_names WHERE registered_entry_id = ?', [rowId]);
    if (m.federatesWith) await tx.exec('DELETE FROM federated_registration_entries WHERE registered_entry_id = ?', [rowId]);
    await insertChildren(tx, [{ rowId, n: only }], bundles);
    await addEntryEvents(tx, [entryId]);
    return n.entry;
  });
}

/** The WHERE clause (over alias E) of the list/count filters. */
function entryFilter(dialect: Dialect, req: CountRegistrationEntriesRequest): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (req.bySpiffeId) {
    where.push('E.spiffe_id = ?');
    params.push(req.bySpiffeId);
  }
  if (req.byParentId) {
    where.push('E.parent_id = ?');
    params.push(req.byParentId);
  }
  if (req.byHint) {
    where.push('E.hint = ?');
    params.push(req.byHint);
  }
  if (req.byDownstream !== undefined && req.byDownstream !== null) {
    where.push('E.downstream = ?');
    params.push(b(dialect, req.byDownstream));
  }
  if (req.bySelectors) {
    const sels = canonicalSelectors('by_selectors.selectors', req.bySelectors.selectors ?? []);
    if (sels.length === 0) throw SqlErrors.emptySelectorFilter();
    const c = setMatchSql<Selector>(
      dialect,
      'by_selectors',
      'E.id',
      { table: 'selectors', ownerColumn: 'registered_entry_id', members: ['S.type', 'S.value'], memberValues: (s) => [s.type, s.value] },
      sels,
      req.bySelectors.match,
    );
    where.push(c.sql);
    params.push(...c.params);
  }
  if (req.byFederatesWith && (req.byFederatesWith.trustDomains ?? []).length > 0) {
    const tds = [...new Set(req.byFederatesWith.trustDomains)];
    const c = setMatchSql<string>(
      dialect,
      'by_federates_with',
      'E.id',
      {
        table: 'federated_registration_entries',
        ownerColumn: 'registered_entry_id',
        join: ' JOIN bundles B ON B.id = S.bundle_id',
        members: ['B.trust_domain'],
        memberValues: (td) => [td],
        ascii: true,
      },
      tds,
      req.byFederatesWith.match,
    );
    where.push(c.sql);
    params.push(...c.params);
  }
  return { where, params };
}

/** Entries matching the filters, in creation order, one page when asked. */
export async function listEntries(db: SqlExecutor, req: ListRegistrationEntriesRequest): Promise<ListRegistrationEntriesResponse> {
  const page = readPage(req.pagination);
  const rows = await selectPage<EntryRow>(db, 'registered_entries', 'E', entryCols(db.dialect), entryFilter(db.dialect, req), page);
  const entries = await loadEntries(db, rows);
  if (!page) return { entries };
  return {
    entries,
    pagination: nextPage(
      req.pagination!,
      page,
      rows.map((r) => Number(r.id)),
    ),
  };
}

/** How many entries match the filters. */
export function countEntries(db: SqlExecutor, req: CountRegistrationEntriesRequest): Promise<number> {
  return countWhere(db, 'registered_entries', 'E', entryFilter(db.dialect, req ?? {}));
}
