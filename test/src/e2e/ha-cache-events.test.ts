import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { GoWriter, mysqlDb, postgresDb, type Availability, type TestDb } from '@spire-ts/plugins-datastore-sql/testing';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import { ServerProcess, freePort } from './harness.js';

// Issue 22, "out-of-order commits" (SPIRE #5021) and "dense and sparse IDs" (SPIRE #5341),
// through a real `spire-server run` with the events-based cache on a real database.

const TD = 'example.org';
/** Events mode with 1s polls; skipped IDs are polled for 20s. */
const EVENTS = 'experimental {\n    events_based_cache = true\n    cache_reload_interval = "1s"\n    event_timeout = "20s"\n  }';
const EVENT_TIMEOUT_MS = 20_000;

/** Polls `fn` until it is true or `ms` have passed; returns whether it became true. */
async function until(ms: number, fn: () => boolean | Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A database from `target`, or the reason to skip (a required one that is missing throws). */
async function open(target: () => Promise<{ db?: TestDb } & Availability>): Promise<{ db?: TestDb; skip?: string }> {
  const r = await target();
  if (r.fail) throw new Error(r.fail);
  return r.db ? { db: r.db } : { skip: r.skip ?? 'no database' };
}

describe('events-based cache: a transaction that commits after a later event (PostgreSQL)', { timeout: 120_000 }, () => {
  const server = new ServerProcess(TD);
  let db: TestDb | undefined;
  let skip: string | undefined;
  let agent: AgentClient | undefined;

  before(async () => {
    ({ db, skip } = await open(postgresDb));
    if (!db) return;
    await server.start({ datastore: { database_type: 'postgres', connection_string: String(db.pluginData.connection_string) }, extraServer: EVENTS });
  });
  after(async () => {
    agent?.close();
    await server.stop();
    await db?.drop();
  });

  it('the running cache sees both events within event_timeout', async (t) => {
    if (skip) return t.skip(skip);
    agent = await server.agent();
    const agentId = (await agent.attest(joinTokenAttestor(await server.joinToken()))).spiffeId;
    const driver = db!.driver();
    try {
      // T1 writes an entry and its event as a Go server would, and holds its transaction open.
      const slowId = randomUUID();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      const at = new Date().toISOString().slice(0, 19).replace('T', ' ');
      const t1 = driver.transaction(async (tx) => {
        const inTx = { dialect: tx.dialect, transaction: <T>(fn: (x: typeof tx) => Promise<T>) => fn(tx) };
        await new GoWriter(inTx as unknown as ConstructorParameters<typeof GoWriter>[0], at).entry({
          entryId: slowId, spiffeId: `spiffe://${TD}/slow`, parentId: agentId, selectors: [{ type: 'unix', value: 'uid:slow' }],
        });
        written();
        await gate;
      });
      await wrote;
      // A later event commits first: an entry created through the server.
      const fastId = await server.createEntry({ spiffeId: `spiffe://${TD}/fast`, parentId: agentId, selectors: [{ type: 'unix', value: 'uid:fast' }] });
      // Let the cache poll past the later event (two 1s polls) while T1 is still open.
      await new Promise((r) => setTimeout(r, 2_200));
      await agent.sync();
      assert.ok(agent.entries.has(fastId) && !agent.entries.has(slowId));
      release();
      await t1;
      const events = await driver.query<{ id: number; entry_id: string }>('SELECT id, entry_id FROM registered_entries_events WHERE entry_id IN (?, ?) ORDER BY id', [slowId, fastId]);
      assert.deepEqual(events.map((e) => e.entry_id), [slowId, fastId], 'the slow transaction holds the lower event ID');

      const seen = await until(EVENT_TIMEOUT_MS, async () => {
        await agent!.sync();
        return agent!.entries.has(slowId) && agent!.entries.has(fastId);
      });
      assert.ok(seen, 'the late-committed entry reached the agent within event_timeout');
    } finally {
      await driver.close();
    }
  });
});

/** One Prometheus sample's value from a scrape, 0 when the series is absent. */
function sample(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('events-based cache with dense and sparse event IDs (MariaDB, auto_increment_increment = 2)', { timeout: 180_000 }, () => {
  const runs: { server: ServerProcess; db: TestDb; metrics: number; agent?: AgentClient }[] = [];
  let skip: string | undefined;

  after(async () => {
    for (const r of runs) {
      r.agent?.close();
      await r.server.stop();
      await r.db.drop();
    }
  });

  /** A server on a fresh MariaDB database, its DSN extended with `params`; undefined when skipped. */
  async function serve(params: string) {
    const { db, skip: why } = await open(mysqlDb);
    if (!db) {
      skip = why;
      return undefined;
    }
    const server = new ServerProcess(TD);
    const metrics = await freePort();
    const cs = String(db.pluginData.connection_string);
    runs.push({ server, db, metrics });
    await server.start({
      datastore: { database_type: 'mysql', connection_string: `${cs}${cs.includes('?') ? '&' : '?'}${params}` },
      extraServer: EVENTS,
      extraBlocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${metrics}\n  }\n}`,
    });
    return runs[runs.length - 1]!;
  }

  /** Writes 4 rounds of 10 entries, one round per poll; returns the scrape and the event IDs. */
  async function exercise(run: NonNullable<Awaited<ReturnType<typeof serve>>>) {
    run.agent = await run.server.agent();
    const agentId = (await run.agent.attest(joinTokenAttestor(await run.server.joinToken()))).spiffeId;
    const scrape = async () => (await fetch(`http://127.0.0.1:${run.metrics}/metrics`)).text();
    const listsBefore = sample(await scrape(), 'spire_server_datastore_registration_entry_event_list');
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 10; i++) await run.server.createEntry({ spiffeId: `spiffe://${TD}/w/${round}/${i}`, parentId: agentId, selectors: [{ type: 'unix', value: `uid:${round}${i}` }] });
      const lists = sample(await scrape(), 'spire_server_datastore_registration_entry_event_list');
      assert.ok(await until(10_000, async () => sample(await scrape(), 'spire_server_datastore_registration_entry_event_list') > lists), 'a poll ran');
    }
    // One more poll after the last writes.
    const lists = sample(await scrape(), 'spire_server_datastore_registration_entry_event_list');
    assert.ok(await until(10_000, async () => sample(await scrape(), 'spire_server_datastore_registration_entry_event_list') > lists + 1));
    const text = await scrape();
    const driver = run.db.driver();
    try {
      const ids = (await driver.query<{ id: number }>('SELECT id FROM registered_entries_events ORDER BY id')).map((r) => Number(r.id));
      return { text, ids, lists: sample(text, 'spire_server_datastore_registration_entry_event_list') - listsBefore };
    } finally {
      await driver.close();
    }
  }

  function assertNoGapWork(text: string, label: string): void {
    assert.match(text, /^spire_server_entry_skipped_entry_event_ids_count(\{[^}]*\})? /m, `${label}: the skipped-IDs gauge is exported`);
    assert.ok(sample(text, 'spire_server_datastore_registration_entry_event_list') > 0, `${label}: event lists are counted`);
    assert.equal(sample(text, 'spire_server_datastore_registration_entry_event_fetch'), 0, `${label}: no skipped-ID polls`);
    assert.equal(sample(text, 'spire_server_entry_skipped_entry_event_ids_count'), 0, `${label}: no skipped IDs tracked`);
  }

  it('dense IDs: no skipped IDs and no gap polls', async (t) => {
    const run = await serve('');
    if (!run) return t.skip(skip);
    const { text, ids } = await exercise(run);
    assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1), `dense: ${ids.join(',')}`);
    assertNoGapWork(text, 'dense');
  });

  it('sparse IDs (auto_increment_increment = 2 on the server\'s sessions): no false skips, no gap polls', async (t) => {
    const run = await serve('auto_increment_increment=2&auto_increment_offset=1');
    if (!run) return t.skip(skip);
    const { text, ids, lists } = await exercise(run);
    assert.ok(ids.length >= 40 && ids.every((id, i) => i === 0 || id === ids[i - 1]! + 2), `every other ID: ${ids.join(',')}`);
    assertNoGapWork(text, 'sparse');
    // Event queries stay one list per poll (plus the before-first scan), not one per ID.
    assert.ok(lists < ids.length, `${lists} event list queries for ${ids.length} events`);
  });
});
