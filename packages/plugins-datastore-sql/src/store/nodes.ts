import type {
  AttestedNode,
  AttestedNodeMask,
  CountAttestedNodesRequest,
  ListAttestedNodesRequest,
  ListAttestedNodesResponse,
  ScanAttestedNodesOptions,
  Selector,
} from '@spire-ts/core/plugin';
import { scanBatchSize } from '@spire-ts/core/plugin';
import { SqlFailure, type Dialect, type SqlDriver, type SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { addNodeEvents } from './events.js';
import { countWhere, nextPage, readPage, selectPage } from './pagination.js';
import { selectRows } from './packed.js';
import { deleteJoinTokenAliasEntries } from './node-cascade.js';
import { keysetScan } from './scan.js';
import { setMatchSql } from './set-match.js';
import { b, boolSql, chunks, dbTime, dbTimeMs, epochSql, forUpdate, placeholders } from './sql-util.js';
import { canonicalSelectors, checkSpiffeId, checkString, checkTime, LIMITS } from './validate.js';

interface NodeRow {
  id: number;
  spiffe_id: string;
  data_type: string;
  serial_number: string;
  expires_at: number;
  new_serial_number: string;
  new_expires_at: number;
  can_reattest: number;
  agent_version: string;
  [k: string]: unknown;
}

/**
 * A node row's columns, in the order the scan reads them: times as Unix seconds, the bool as 0/1,
 * and NULLs (a missing new cert; columns a Go server's older schema added later) as zero values.
 */
function scanCols(d: Dialect): string[] {
  return [
    'N.id',
    'N.spiffe_id',
    "COALESCE(N.data_type, '')",
    "COALESCE(N.serial_number, '')",
    `COALESCE(${epochSql(d, 'N.expires_at')}, 0)`,
    "COALESCE(N.new_serial_number, '')",
    `COALESCE(${epochSql(d, 'N.new_expires_at')}, 0)`,
    `COALESCE(${boolSql(d, 'N.can_reattest')}, 0)`,
    "COALESCE(N.agent_version, '')",
  ];
}

const NAMES = ['id', 'spiffe_id', 'data_type', 'serial_number', 'expires_at', 'new_serial_number', 'new_expires_at', 'can_reattest', 'agent_version'];
const COLS_BY_DIALECT = new Map<Dialect, string>();

/** The SELECT list of a NodeRow (over alias N). */
function cols(d: Dialect): string {
  let c = COLS_BY_DIALECT.get(d);
  if (!c) COLS_BY_DIALECT.set(d, (c = scanCols(d).map((x, i) => `${x} AS ${NAMES[i]}`).join(', ')));
  return c;
}

/** A cert expiry as the row stores it: `new_expires_at` is NULL when there is no new cert. */
function timeOrNull(d: Dialect, sec: number): string | null {
  return sec === 0 ? null : dbTime(d, sec);
}

function toNode(r: NodeRow): AttestedNode {
  return {
    spiffeId: r.spiffe_id,
    attestationDataType: r.data_type,
    certSerialNumber: r.serial_number,
    certNotAfter: Number(r.expires_at),
    newCertSerialNumber: r.new_serial_number,
    newCertNotAfter: Number(r.new_expires_at),
    canReattest: Number(r.can_reattest) === 1,
    agentVersion: r.agent_version,
    selectors: [],
  };
}

/** Checks and normalises every field of a node; throws INVALID_ARGUMENT naming the field. */
function normalizeNode(n: AttestedNode): AttestedNode {
  if (typeof n !== 'object' || n === null) throw SqlErrors.missing('node');
  return {
    spiffeId: checkSpiffeId('spiffe_id', n.spiffeId),
    attestationDataType: checkString('attestation_data_type', n.attestationDataType, LIMITS.short),
    certSerialNumber: checkString('cert_serial_number', n.certSerialNumber, LIMITS.short),
    certNotAfter: checkTime('cert_not_after', n.certNotAfter),
    newCertSerialNumber: checkString('new_cert_serial_number', n.newCertSerialNumber, LIMITS.short),
    newCertNotAfter: checkTime('new_cert_not_after', n.newCertNotAfter),
    canReattest: n.canReattest === true,
    agentVersion: checkString('agent_version', n.agentVersion, LIMITS.short),
    selectors: canonicalSelectors('selectors', n.selectors ?? []),
  };
}

async function selectorsOf(db: SqlExecutor, spiffeIds: readonly string[]): Promise<Map<string, Selector[]>> {
  const out = new Map<string, Selector[]>();
  for (const part of chunks([...new Set(spiffeIds)], 500)) {
    const rows = await db.query<{ spiffe_id: string; type: string; value: string }>(
      `SELECT spiffe_id, type, value FROM node_resolver_map_entries WHERE spiffe_id IN ${placeholders(part.length)} ORDER BY id`,
      part,
    );
    for (const r of rows) {
      let l = out.get(r.spiffe_id);
      if (!l) out.set(r.spiffe_id, (l = []));
      l.push({ type: r.type, value: r.value });
    }
  }
  return out;
}

async function withSelectors(db: SqlExecutor, nodes: AttestedNode[]): Promise<AttestedNode[]> {
  const sels = await selectorsOf(
    db,
    nodes.map((n) => n.spiffeId),
  );
  for (const n of nodes) n.selectors = sels.get(n.spiffeId) ?? [];
  return nodes;
}

async function writeSelectors(tx: SqlExecutor, spiffeId: string, sels: readonly Selector[]): Promise<void> {
  await tx.exec('DELETE FROM node_resolver_map_entries WHERE spiffe_id = ?', [spiffeId]);
  if (sels.length > 0) {
    const now = dbTimeMs(tx.dialect, Date.now());
    await tx.insertMany(
      'node_resolver_map_entries',
      ['created_at', 'updated_at', 'spiffe_id', 'type', 'value'],
      sels.map((s) => [now, now, spiffeId, s.type, s.value]),
    );
  }
}

/** Stores a node and its selectors; ALREADY_EXISTS when the ID is taken. */
export async function createNode(db: SqlDriver, input: AttestedNode): Promise<AttestedNode> {
  const n = normalizeNode(input);
  try {
    return await insertNode(db, n);
  } catch (err) {
    // Two servers attesting the same agent at once: the loser sees the unique index.
    if (err instanceof SqlFailure && err.kind === 'unique') throw SqlErrors.nodeExists(n.spiffeId);
    throw err;
  }
}

function insertNode(db: SqlDriver, n: AttestedNode): Promise<AttestedNode> {
  return db.transaction(async (tx) => {
    const exists = await tx.query('SELECT id FROM attested_node_entries WHERE spiffe_id = ?', [n.spiffeId]);
    if (exists.length > 0) throw SqlErrors.nodeExists(n.spiffeId);
    const d = tx.dialect;
    const now = dbTimeMs(d, Date.now());
    await tx.exec(
      'INSERT INTO attested_node_entries (created_at, updated_at, spiffe_id, data_type, serial_number, expires_at, new_serial_number, new_expires_at, can_reattest, agent_version) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [now, now, n.spiffeId, n.attestationDataType, n.certSerialNumber, dbTime(d, n.certNotAfter), n.newCertSerialNumber, timeOrNull(d, n.newCertNotAfter), b(d, n.canReattest), n.agentVersion],
    );
    if (n.selectors.length > 0) await writeSelectors(tx, n.spiffeId, n.selectors);
    await addNodeEvents(tx, [n.spiffeId]);
    return n;
  });
}

/** The node with its selectors, or undefined. */
export async function fetchNode(db: SqlExecutor, spiffeId: string): Promise<AttestedNode | undefined> {
  const rows = await db.query<NodeRow>(`SELECT ${cols(db.dialect)} FROM attested_node_entries N WHERE N.spiffe_id = ?`, [spiffeId]);
  if (rows.length === 0) return undefined;
  return (await withSelectors(db, [toNode(rows[0]!)]))[0];
}

/** The nodes among the IDs, with selectors. */
export async function fetchNodes(db: SqlExecutor, spiffeIds: string[]): Promise<Map<string, AttestedNode>> {
  const nodes: AttestedNode[] = [];
  for (const part of chunks([...new Set(spiffeIds)], 500)) {
    const rows = await db.query<NodeRow>(`SELECT ${cols(db.dialect)} FROM attested_node_entries N WHERE N.spiffe_id IN ${placeholders(part.length)}`, part);
    nodes.push(...rows.map(toNode));
  }
  await withSelectors(db, nodes);
  return new Map(nodes.map((n) => [n.spiffeId, n]));
}

/** Deletes the node and its selectors; records an event. */
export async function deleteNode(db: SqlDriver, spiffeId: string): Promise<AttestedNode> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<NodeRow>(`SELECT ${cols(tx.dialect)} FROM attested_node_entries N WHERE N.spiffe_id = ?${forUpdate(tx.dialect)}`, [spiffeId]);
    if (rows.length === 0) throw SqlErrors.nodeNotFound(spiffeId);
    const [node] = await withSelectors(tx, [toNode(rows[0]!)]);
    if (node!.attestationDataType === 'join_token') await deleteJoinTokenAliasEntries(tx, [spiffeId]);
    await tx.exec('DELETE FROM node_resolver_map_entries WHERE spiffe_id = ?', [spiffeId]);
    await tx.exec('DELETE FROM attested_node_entries WHERE id = ?', [rows[0]!.id]);
    await addNodeEvents(tx, [spiffeId]);
    return node!;
  });
}

const NODE_FIELDS: [keyof AttestedNodeMask, string][] = [
  ['attestationDataType', 'data_type'],
  ['certSerialNumber', 'serial_number'],
  ['certNotAfter', 'expires_at'],
  ['newCertSerialNumber', 'new_serial_number'],
  ['newCertNotAfter', 'new_expires_at'],
  ['canReattest', 'can_reattest'],
  ['agentVersion', 'agent_version'],
];

/** Writes the masked columns only (all without a mask); records an event. */
export async function updateNode(db: SqlDriver, input: AttestedNode, mask: AttestedNodeMask | undefined): Promise<AttestedNode> {
  const n = normalizeNode({ ...input, selectors: [] });
  const fields = NODE_FIELDS.filter(([k]) => mask === undefined || mask[k]);
  return db.transaction(async (tx) => {
    const rows = await tx.query<NodeRow>(`SELECT ${cols(tx.dialect)} FROM attested_node_entries N WHERE N.spiffe_id = ?${forUpdate(tx.dialect)}`, [n.spiffeId]);
    if (rows.length === 0) throw SqlErrors.nodeNotFound(n.spiffeId);
    if (fields.length > 0) {
      const d = tx.dialect;
      const values = fields.map(([k]) =>
        k === 'canReattest' ? b(d, n.canReattest) : k === 'certNotAfter' ? dbTime(d, n.certNotAfter) : k === 'newCertNotAfter' ? timeOrNull(d, n.newCertNotAfter) : n[k],
      );
      await tx.exec(`UPDATE attested_node_entries SET updated_at = ?, ${fields.map(([, c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [
        dbTimeMs(d, Date.now()),
        ...values,
        rows[0]!.id,
      ]);
    }
    await addNodeEvents(tx, [n.spiffeId]);
    const after = await tx.query<NodeRow>(`SELECT ${cols(tx.dialect)} FROM attested_node_entries N WHERE N.id = ?`, [rows[0]!.id]);
    return toNode(after[0]!);
  });
}

function nodeFilter(dialect: Dialect, req: ListAttestedNodesRequest): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (req.byAttestationType) {
    where.push('N.data_type = ?');
    params.push(req.byAttestationType);
  }
  if (req.byBanned !== undefined && req.byBanned !== null) where.push(req.byBanned ? "N.serial_number = ''" : "N.serial_number <> ''");
  if (req.byExpiresBefore) {
    where.push('N.expires_at < ?');
    params.push(dbTime(dialect, req.byExpiresBefore));
  }
  if (req.byCanReattest !== undefined && req.byCanReattest !== null) {
    where.push('N.can_reattest = ?');
    params.push(b(dialect, req.byCanReattest));
  }
  if (req.validAt) {
    where.push('N.expires_at >= ?');
    params.push(dbTime(dialect, req.validAt));
  }
  if (req.bySpiffeIds && req.bySpiffeIds.length > 0) {
    const ids = [...new Set(req.bySpiffeIds)];
    if (ids.length > 10_000) throw SqlErrors.malformed('by_spiffe_ids', 'more than 10000 IDs');
    where.push(`N.spiffe_id IN ${placeholders(ids.length)}`);
    params.push(...ids);
  }
  if (req.bySelectorMatch) {
    const sels = canonicalSelectors('by_selector_match.selectors', req.bySelectorMatch.selectors ?? []);
    if (sels.length === 0) throw SqlErrors.emptySelectorFilter();
    const c = setMatchSql<Selector>(
      dialect,
      'by_selector_match',
      'N.spiffe_id',
      { table: 'node_resolver_map_entries', ownerColumn: 'spiffe_id', members: ['S.type', 'S.value'], memberValues: (s) => [s.type, s.value] },
      sels,
      req.bySelectorMatch.match,
    );
    where.push(c.sql);
    params.push(...c.params);
  }
  return { where, params };
}

/** Nodes matching the filters, in creation order, one page when asked. */
export async function listNodes(db: SqlExecutor, req: ListAttestedNodesRequest): Promise<ListAttestedNodesResponse> {
  const page = readPage(req.pagination);
  const rows = await selectPage<NodeRow>(db, 'attested_node_entries', 'N', cols(db.dialect), nodeFilter(db.dialect, req), page);
  const nodes = rows.map(toNode);
  if (req.fetchSelectors) await withSelectors(db, nodes);
  if (!page) return { nodes };
  return {
    nodes,
    pagination: nextPage(
      req.pagination!,
      page,
      rows.map((r) => Number(r.id)),
    ),
  };
}

/** How many nodes match the filters. */
export function countNodes(db: SqlExecutor, req: CountAttestedNodesRequest): Promise<number> {
  return countWhere(db, 'attested_node_entries', 'N', nodeFilter(db.dialect, req ?? {}));
}

/**
 * Deletes expired, unbanned nodes (re-attestable only unless asked), with their selectors, their
 * join-token alias entries and events.
 */
export async function pruneNodes(db: SqlDriver, expiredBefore: number, includeNonReattestable: boolean, batchSize: number): Promise<void> {
  const limit = batchSize > 0 ? Math.min(Math.floor(batchSize), 10_000) : 1000;
  await db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number; spiffe_id: string; data_type: string }>(
      `SELECT id, spiffe_id, data_type FROM attested_node_entries WHERE expires_at < ? AND serial_number <> ''` +
        (includeNonReattestable ? '' : ' AND can_reattest = ?') +
        ` ORDER BY id LIMIT ${limit}${forUpdate(tx.dialect)}`,
      includeNonReattestable ? [dbTime(tx.dialect, expiredBefore)] : [dbTime(tx.dialect, expiredBefore), b(tx.dialect, true)],
    );
    await deleteJoinTokenAliasEntries(
      tx,
      rows.filter((r) => r.data_type === 'join_token').map((r) => r.spiffe_id),
    );
    for (const part of chunks(rows, 500)) {
      const ids = part.map((r) => r.spiffe_id);
      await tx.exec(`DELETE FROM node_resolver_map_entries WHERE spiffe_id IN ${placeholders(ids.length)}`, ids);
      await tx.exec(`DELETE FROM attested_node_entries WHERE spiffe_id IN ${placeholders(ids.length)}`, ids);
      await addNodeEvents(tx, ids);
    }
  });
}

/** The node's selectors. */
export async function getNodeSelectors(db: SqlExecutor, spiffeId: string): Promise<Selector[]> {
  return (await selectorsOf(db, [spiffeId])).get(spiffeId) ?? [];
}

/** Selectors of every node (valid at `validAt` when given). */
export async function listNodeSelectors(db: SqlExecutor, validAt: number | undefined): Promise<Map<string, Selector[]>> {
  const rows = validAt
    ? await db.query<{ spiffe_id: string; type: string; value: string }>(
        'SELECT R.spiffe_id, R.type, R.value FROM node_resolver_map_entries R JOIN attested_node_entries N ON N.spiffe_id = R.spiffe_id ' +
          'WHERE N.expires_at >= ? ORDER BY R.id',
        [dbTime(db.dialect, validAt)],
      )
    : await db.query<{ spiffe_id: string; type: string; value: string }>('SELECT spiffe_id, type, value FROM node_resolver_map_entries R ORDER BY R.id');
  const out = new Map<string, Selector[]>();
  for (const r of rows) {
    let l = out.get(r.spiffe_id);
    if (!l) out.set(r.spiffe_id, (l = []));
    l.push({ type: r.type, value: r.value });
  }
  return out;
}

/** Replaces the node's selectors; records an event. */
export async function setNodeSelectors(db: SqlDriver, spiffeIdIn: string, selectors: Selector[]): Promise<void> {
  const spiffeId = checkSpiffeId('spiffe_id', spiffeIdIn);
  const sels = canonicalSelectors('selectors', selectors ?? []);
  await db.transaction(async (tx) => {
    // Locking the node row serialises concurrent replacements; without it two writers' DELETEs
    // could both run before either INSERT and leave the union of both sets.
    await tx.query(`SELECT id FROM attested_node_entries WHERE spiffe_id = ?${forUpdate(tx.dialect)}`, [spiffeId]);
    await writeSelectors(tx, spiffeId, sels);
    await addNodeEvents(tx, [spiffeId]);
  });
}

/**
 * Every node (valid at `validAt` when given) with its selectors, in batches, from one read
 * snapshot: a keyset range of node rows by row id, then the selectors of exactly those nodes
 * (rows read packed, see packed.ts). Selectors keep their
 * row order, as `listNodes` gives them. See `keysetScan` for the snapshot's life and read-ahead.
 */
export function scanNodes(db: SqlDriver, opts: ScanAttestedNodesOptions | undefined): AsyncGenerator<AttestedNode[]> {
  const size = scanBatchSize(opts);
  const validAt = opts?.validAt ?? 0;
  const valid = validAt ? ' AND N.expires_at >= ?' : '';
  return keysetScan(db, async (snap, after) => {
    const at = validAt ? [dbTime(snap.dialect, validAt)] : [];
    const rows = await selectRows(snap, { columns: scanCols(snap.dialect), from: `FROM attested_node_entries N WHERE N.id > ?${valid}`, orderBy: ['N.id'], limit: size }, [after, ...at]);
    if (rows.count === 0) return undefined;
    const f = rows.fields;
    const nodes = new Array<AttestedNode>(rows.count);
    for (let i = 0, o = 0; i < rows.count; i++, o += rows.width) {
      nodes[i] = {
        spiffeId: f[o + 1] as string,
        attestationDataType: f[o + 2] as string,
        certSerialNumber: f[o + 3] as string,
        certNotAfter: Number(f[o + 4]),
        newCertSerialNumber: f[o + 5] as string,
        newCertNotAfter: Number(f[o + 6]),
        canReattest: Number(f[o + 7]) === 1,
        agentVersion: f[o + 8] as string,
        selectors: [],
      };
    }
    const last = Number(f[(rows.count - 1) * rows.width]);
    const add = (n: AttestedNode | undefined, s: readonly unknown[], o: number): void => {
      n?.selectors.push({ type: s[o + 1] as string, value: s[o + 2] as string });
    };
    const selectors = async (): Promise<AttestedNode[]> => {
      // The selectors of the nodes in the row id range, in one ordered join (an index lookup per
      // node; the PostgreSQL snapshot turns hash and merge joins off for this), merged in one pass.
      const { fields: s, width } = await selectRows(
        snap,
        {
          columns: ['N.id', 'R.type', 'R.value'],
          from: `FROM attested_node_entries N JOIN node_resolver_map_entries R ON R.spiffe_id = N.spiffe_id WHERE N.id > ? AND N.id <= ?${valid}`,
          orderBy: ['N.id', 'R.id'],
        },
        [after, last, ...at],
      );
      for (let i = 0, o = 0; o < s.length; o += width) {
        const nid = Number(s[o]);
        while (i < nodes.length && Number(f[i * rows.width]) < nid) i++;
        if (i < nodes.length && Number(f[i * rows.width]) === nid) add(nodes[i], s, o);
      }
      return nodes;
    };
    return { last, more: rows.count === size, items: selectors() };
  });
}
