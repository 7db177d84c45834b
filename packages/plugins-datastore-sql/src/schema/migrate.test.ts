import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { SqliteDriver } from '../driver/sqlite-driver.js';
import { sqliteDb, type TestDb } from '../testing/targets.js';
import { catalogProblems, readCatalog } from './catalog.js';
import { EXPECTED_SQLITE3 } from './spire-ddl/expected-sqlite3.js';
import { spireSchemaDdl } from './spire-ddl.js';
import { migrate, schemaVersion } from './migrate.js';
import { SCHEMA_VERSION } from './migrations.js';

const CODE = '1.16.0';

/** Upstream's schema at `version` on a fresh SQLite file, with its `migrations` row. */
async function upstreamDb(version: number, codeVersion: string): Promise<TestDb> {
  const db = sqliteDb();
  const d = db.driver();
  for (const s of spireSchemaDdl('sqlite3', version)) await d.exec(s);
  await d.exec("INSERT INTO migrations (created_at, updated_at, version, code_version) VALUES ('2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', ?, ?)", [
    version,
    codeVersion,
  ]);
  await d.close();
  return db;
}

function refusal(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof SpireError);
    assert.equal(err.code, Code.FAILED_PRECONDITION);
    assert.equal(err.message, message);
    return true;
  };
}

async function migrationRows(db: TestDb): Promise<{ version: number; code_version: string }[]> {
  const d = db.driver();
  try {
    return (await d.query<{ version: number; code_version: string }>('SELECT version, code_version FROM migrations')).map((r) => ({ version: Number(r.version), code_version: r.code_version }));
  } finally {
    await d.close();
  }
}

describe('schema migrations', () => {
  it('creates upstream\'s schema and its one migrations row on an empty database; a second start finds it current', async () => {
    const db = sqliteDb();
    await (await db.open()).close?.();
    await (await db.open()).close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION, code_version: CODE }]);
    const d = db.driver();
    assert.deepEqual(catalogProblems(EXPECTED_SQLITE3, await readCatalog(d)), []);
    await d.close();
    await db.drop();
  });

  it('creates a new database also with disable_migration, as upstream does', async () => {
    const db = sqliteDb();
    await (await db.open({ disable_migration: true })).close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION, code_version: CODE }]);
    await db.drop();
  });

  it('migrates a database at the last minor release\'s version forward, keeping its rows', async () => {
    const db = await upstreamDb(23, '1.14.2');
    const d = db.driver();
    await d.exec(
      "INSERT INTO attested_node_entries (created_at, updated_at, spiffe_id, data_type, serial_number, expires_at, new_serial_number, new_expires_at, can_reattest) VALUES ('2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', 'spiffe://td/spire/agent/a', 'x', '1', '2033-05-18 03:33:20+00:00', '', NULL, 1)",
    );
    await d.close();
    const ds = await db.open();
    const node = await ds.fetchAttestedNode('spiffe://td/spire/agent/a');
    assert.equal(node?.certNotAfter, 2_000_000_000);
    assert.equal(node?.agentVersion, '');
    assert.equal(node?.canReattest, true);
    await ds.close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION, code_version: CODE }]);
    const d2 = db.driver();
    assert.deepEqual(catalogProblems(EXPECTED_SQLITE3, await readCatalog(d2)), []);
    await d2.close();
    await db.drop();
  });

  it('refuses versions older than the last minor release\'s, in upstream\'s words', async () => {
    const db = await upstreamDb(23, '1.12.0');
    const d = db.driver();
    await d.exec('UPDATE migrations SET version = 22');
    await d.close();
    await assert.rejects(
      db.open(),
      refusal('datastore-sql: migrating from schema version 22 requires a previous SPIRE release; please follow the upgrade strategy at doc/upgrading.md'),
    );
    await db.drop();
  });

  it('on a newer schema: refuses in upstream\'s words when its release is more than a minor away, else runs on it', async () => {
    const db = await upstreamDb(SCHEMA_VERSION, '1.18.0');
    const d = db.driver();
    await d.exec('UPDATE migrations SET version = ?', [SCHEMA_VERSION + 1]);
    await d.close();
    await assert.rejects(db.open(), refusal('datastore-sql: incompatible DB schema and code version'));
    await assert.rejects(db.open({ disable_migration: true }), refusal('datastore-sql: auto-migration must be enabled for current DB'));
    const d2 = db.driver();
    await d2.exec("UPDATE migrations SET code_version = '1.17.0'");
    await d2.close();
    const ds = await db.open();
    assert.equal(await ds.countRegistrationEntries({}), 0);
    await ds.close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION + 1, code_version: '1.17.0' }]);
    await (await db.open({ disable_migration: true })).close?.();
    await db.drop();
  });

  it('with disable_migration, changes nothing: an older schema is refused, in upstream\'s words when releases are far apart', async () => {
    const db = await upstreamDb(24, '1.13.0');
    await assert.rejects(db.open({ disable_migration: true }), refusal('datastore-sql: auto-migration must be enabled for current DB'));
    const d = db.driver();
    await d.exec("UPDATE migrations SET code_version = '1.15.1'");
    await d.close();
    await assert.rejects(
      db.open({ disable_migration: true }),
      refusal(`the database schema is at version 24 and this server needs version ${SCHEMA_VERSION}, but disable_migration is set; run a server with migrations enabled once`),
    );
    assert.deepEqual(await migrationRows(db), [{ version: 24, code_version: '1.15.1' }]);
    await db.drop();
  });

  it('adds its extras to a current database Go SPIRE created, and raises the code version only upwards', async () => {
    const db = await upstreamDb(SCHEMA_VERSION, '1.15.3');
    await assert.rejects(db.open({ disable_migration: true }), (err: unknown) => err instanceof SpireError && /lacks the extra columns/.test(err.message));
    await (await db.open()).close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION, code_version: CODE }]);
    const d = db.driver();
    await d.exec("UPDATE migrations SET code_version = '1.16.5'");
    await d.close();
    await (await db.open({ disable_migration: true })).close?.();
    await (await db.open()).close?.();
    assert.deepEqual(await migrationRows(db), [{ version: SCHEMA_VERSION, code_version: '1.16.5' }]);
    await db.drop();
  });

  it("with disable_migration, refuses this server's pre-SPIRE schema, saying how to convert it", async () => {
    const db = sqliteDb();
    const d = db.driver();
    await d.exec('CREATE TABLE spire_ts_schema (version INTEGER NOT NULL, code_version VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)');
    await d.close();
    await assert.rejects(
      db.open({ disable_migration: true }),
      refusal(
        "the database holds this server's pre-SPIRE schema (table spire_ts_schema) and disable_migration is set; start once with migrations enabled to convert it to SPIRE's schema",
      ),
    );
    await db.drop();
  });

  it('migrating concurrently from two drivers creates the schema once', async () => {
    const db = sqliteDb();
    const file = db.pluginData.connection_string as string;
    const a = new SqliteDriver({ filename: file });
    const b = new SqliteDriver({ filename: file });
    await Promise.all([migrate(a, { disable: false, codeVersion: CODE }), migrate(b, { disable: false, codeVersion: CODE })]);
    assert.equal((await a.query('SELECT version FROM migrations')).length, 1);
    assert.equal(await schemaVersion(a), SCHEMA_VERSION);
    await a.close();
    await b.close();
    await db.drop();
  });
});

describe('opening SQLite', () => {
  it('creates the directory of the database file when missing', async () => {
    const db = sqliteDb();
    const file = String(db.pluginData.connection_string).replace(/datastore\.sqlite3$/, 'nested/dir/datastore.sqlite3');
    const ds = await db.open({ connection_string: file });
    assert.equal(await ds.countBundles(), 0);
    await ds.close?.();
    await db.drop();
  });

  it('gives UNAVAILABLE when the file cannot be opened', async () => {
    const db = sqliteDb();
    // The "directory" is a regular file, so neither mkdir nor open can succeed.
    const blocker = String(db.pluginData.connection_string).replace(/datastore\.sqlite3$/, 'a-file');
    writeFileSync(blocker, 'x');
    const bad = `${blocker}/datastore.sqlite3`;
    await assert.rejects(db.open({ connection_string: bad }), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.UNAVAILABLE);
      assert.ok(err.message.startsWith(`database unavailable: cannot open SQLite database "${bad}": `), err.message);
      return true;
    });
    await db.drop();
  });
});
