// Fills a store's schema with the bench dataset by direct bulk inserts (the DataStore's batch
// create does about 5,000 entries/s, far too slow for a million). The schema itself is created by
// the sql DataStore (its migrations), and the similarity-key formula is first checked against a
// row the store wrote, so the rows are exactly what the store would have written.
import Database from 'better-sqlite3';
import pg from 'pg';
import { agentId, agentSelectors, forEachEntry, similarityKey } from './dataset.mjs';

const FAR = 4_000_000_000;
// SPIRE's columns (docs/spire-schema.md), filled as the store fills them, plus our nullable
// similarity_key/similarity_revision.
const ENTRY_COLS = ['id', 'created_at', 'updated_at', 'entry_id', 'spiffe_id', 'parent_id', 'ttl', 'admin', 'downstream', 'expiry', 'revision_number', 'store_svid', 'hint', 'jwt_svid_ttl', 'similarity_key', 'similarity_revision'];
const ENTRY_PG_TYPES = ['bigint', 'timestamptz', 'timestamptz', 'text', 'text', 'text', 'int', 'boolean', 'boolean', 'bigint', 'bigint', 'boolean', 'text', 'int', 'text', 'bigint'];

/** A GORM time column's value as the store writes it on SQLite and PostgreSQL: UTC with `+00:00`. */
function gormTime(sec) {
  return `${new Date(sec * 1000).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')}+00:00`;
}

/** One entry's row for ENTRY_COLS; `bool` maps a boolean to the dialect's value. */
function entryRow(id, e, bool) {
  const t = gormTime(e.createdAt);
  return [id, t, t, e.entryId, e.spiffeId, e.parentId, e.x509SvidTtl, bool(false), bool(false), 0, 0, bool(false), '', e.jwtSvidTtl, similarityKey(e), 0];
}
const NOW = gormTime(1700000000);

/** Checks that our similarity key matches the store's for one entry written through the store. */
export async function checkSimilarityKey(ds, readKey) {
  const probe = {
    entryId: 'bench-probe',
    spiffeId: 'spiffe://example.org/probe',
    parentId: 'spiffe://example.org/spire/agent/probe',
    selectors: [
      { type: 'b', value: '2' },
      { type: 'a', value: '1' },
    ],
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: '',
    createdAt: 0,
    revisionNumber: 0,
  };
  await ds.createRegistrationEntry(probe);
  const stored = await readKey('bench-probe');
  await ds.deleteRegistrationEntry('bench-probe');
  const mine = similarityKey({ ...probe, selectors: [...probe.selectors].reverse() });
  if (stored !== mine) throw new Error(`similarity key formula differs from the store's (${stored} vs ${mine}); update bench/entries-cache/dataset.mjs`);
}

/** Bulk-inserts the dataset into a migrated, empty SQLite file. */
export function populateSqlite(file, s) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const tables = ['registered_entries', 'selectors', 'attested_node_entries', 'node_resolver_map_entries'];
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`)
    .all(...tables);
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
  const insE = db.prepare(`INSERT INTO registered_entries (${ENTRY_COLS.join(', ')}) VALUES (${ENTRY_COLS.map(() => '?').join(', ')})`);
  const insS = db.prepare('INSERT INTO selectors (created_at, updated_at, registered_entry_id, type, value) VALUES (?, ?, ?, ?, ?)');
  const insN = db.prepare(
    'INSERT INTO attested_node_entries (created_at, updated_at, spiffe_id, data_type, serial_number, expires_at, new_serial_number, new_expires_at, can_reattest, agent_version) ' +
      "VALUES (?, ?, ?, 'k8s_psat', ?, ?, '', NULL, 1, '')",
  );
  const insNS = db.prepare('INSERT INTO node_resolver_map_entries (created_at, updated_at, spiffe_id, type, value) VALUES (?, ?, ?, ?, ?)');
  const far = gormTime(FAR);
  db.transaction(() => {
    let id = 0;
    forEachEntry(s, (e) => {
      id++;
      const row = entryRow(id, e, (v) => (v ? 1 : 0));
      insE.run(...row);
      for (const x of e.selectors) insS.run(row[1], row[1], id, x.type, x.value);
    });
    for (let i = 0; i < s.agents; i++) {
      const a = agentId(i, s);
      insN.run(NOW, NOW, a, String(i + 1), far);
      for (const x of agentSelectors(i, s)) insNS.run(NOW, NOW, a, x.type, x.value);
    }
  })();
  for (const ix of indexes) db.exec(ix.sql);
  db.exec('ANALYZE');
  db.close();
}

async function insertColumns(client, table, cols, types, columns) {
  const params = columns;
  const sel = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${sel})`, params);
}

/** Bulk-inserts the dataset into a migrated, empty PostgreSQL database. */
export async function populatePostgres(url, s) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const CH = 20_000;
    let e = ENTRY_COLS.map(() => []);
    let sl = [[], [], [], [], []];
    let id = 0;
    const pending = [];
    const flush = async () => {
      if (e[0].length > 0) {
        await insertColumns(client, 'registered_entries', ENTRY_COLS, ENTRY_PG_TYPES, e);
        await insertColumns(client, 'selectors', ['created_at', 'updated_at', 'registered_entry_id', 'type', 'value'], ['timestamptz', 'timestamptz', 'bigint', 'text', 'text'], sl);
      }
      e = ENTRY_COLS.map(() => []);
      sl = [[], [], [], [], []];
    };
    forEachEntry(s, (x) => {
      id++;
      const row = entryRow(id, x, (v) => v);
      row.forEach((v, i) => e[i].push(v));
      for (const y of x.selectors) {
        sl[0].push(row[1]);
        sl[1].push(row[1]);
        sl[2].push(id);
        sl[3].push(y.type);
        sl[4].push(y.value);
      }
      if (e[0].length >= CH) {
        pending.push({ e, sl });
        e = ENTRY_COLS.map(() => []);
        sl = [[], [], [], [], []];
      }
    });
    pending.push({ e, sl });
    for (const p of pending) {
      e = p.e;
      sl = p.sl;
      await flush();
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('registered_entries', 'id'), $1)`, [id]);
    for (let start = 0; start < s.agents; start += CH) {
      const n = [[], []];
      const ns = [[], [], []];
      for (let i = start; i < Math.min(s.agents, start + CH); i++) {
        const a = agentId(i, s);
        n[0].push(a);
        n[1].push(String(i + 1));
        for (const x of agentSelectors(i, s)) {
          ns[0].push(a);
          ns[1].push(x.type);
          ns[2].push(x.value);
        }
      }
      await client.query(
        `INSERT INTO attested_node_entries (created_at, updated_at, spiffe_id, data_type, serial_number, expires_at, new_serial_number, new_expires_at, can_reattest, agent_version)
         SELECT $3::timestamptz, $3::timestamptz, a, 'k8s_psat', s, $4::timestamptz, '', NULL, true, '' FROM unnest($1::text[], $2::text[]) AS t(a, s)`,
        [...n, NOW, gormTime(FAR)],
      );
      await client.query(
        `INSERT INTO node_resolver_map_entries (created_at, updated_at, spiffe_id, type, value)
         SELECT $4::timestamptz, $4::timestamptz, a, t, v FROM unnest($1::text[], $2::text[], $3::text[]) AS x(a, t, v)`,
        [...ns, NOW],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
