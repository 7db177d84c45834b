import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinTokenAttestor } from '../agent/index.js';
import type { ServerProcess } from './harness.js';
import { HA_DB_LABEL, HA_DIALECTS, HA_TD, HaCluster, haCaseSuffix, waitFor } from './ha-servers-cluster.js';

// Issue 22, case 4, on PostgreSQL and on MariaDB: a server dies. (a) kill -9 in the middle of a 10,000-entry batch create
// leaves every entry whole or absent; (b) an agent attached to the dead server moves to another
// one (the agent client tries the next address on UNAVAILABLE) and keeps getting SVIDs.

const N = 10_000;
const UNAVAILABLE = 14;

/** What entry `i` of the batch is made of: the test checks each stored entry against it. */
function batchEntry(i: number) {
  return {
    entry_id: `batch-${i}`,
    spiffe_id: `spiffe://${HA_TD}/batch/${i}`,
    parent_id: `spiffe://${HA_TD}/batch-parent`,
    selectors: [
      { type: 'unix', value: `uid:${i}` },
      { type: 'unix', value: `gid:${i}` },
    ],
    dns_names: [`host-${i}.test`],
  };
}

type ListedEntry = { id: string; spiffe_id: { path: string }; selectors: { type: string; value: string }[]; dns_names: string[] };

/** Every entry `server` lists (ListEntries, all pages). */
async function listEntries(server: ServerProcess): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  let page_token = '';
  do {
    const r = await server.admin<{ entries: ListedEntry[]; next_page_token: string }>('entry', 'ListEntries', { page_size: 1000, page_token });
    out.push(...r.entries);
    page_token = r.next_page_token;
  } while (page_token);
  return out;
}

for (const dialect of HA_DIALECTS) describe(`HA servers on one ${HA_DB_LABEL[dialect]} database: a server dies`, { timeout: 180_000 }, () => {
  const ha = new HaCluster(dialect);
  const suffix = haCaseSuffix(dialect);
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    await ha.prepare();
    if (ha.available) [a, b] = (await ha.open(2)) as [ServerProcess, ServerProcess];
  });
  after(() => ha.close());

  it(`case 4a: kill -9 of the server in the middle of a 10,000-entry \`entry create -data\` leaves every entry whole or absent${suffix}`, async (t) => {
    if (ha.skipped(t)) return;
    writeFileSync(join(a.dir, 'batch.json'), JSON.stringify({ entries: Array.from({ length: N }, (_, i) => batchEntry(i)) }));
    const cli = a.cliAsync('entry', 'create', '-data', join(a.dir, 'batch.json')).then(
      () => 'finished',
      (err: Error) => err.message,
    );
    const count = async () => Number((await ha.query<{ n: string }>('SELECT count(*) AS n FROM registered_entries'))[0]!.n);
    // Kill as soon as the first batch is in: later batches are in flight or not sent yet.
    await waitFor('the first batch to be stored', async () => (await count()) > 0, 60_000);
    a.signal('SIGKILL');
    const cliResult = await cli;
    assert.notEqual(cliResult, 'finished', 'the CLI finished before the server died: nothing was cut');

    const stored = await count();
    assert.ok(stored > 0 && stored < N, `${stored} entries stored: the kill did not land mid-batch`);
    // Whole: no selector or DNS name without its entry, every entry has all of its own, and an event.
    const partial = await ha.query(
      `SELECT e.entry_id FROM registered_entries e
         WHERE (SELECT count(*) FROM selectors s WHERE s.registered_entry_id = e.id) <> 2
            OR (SELECT count(*) FROM dns_names d WHERE d.registered_entry_id = e.id) <> 1
            OR NOT EXISTS (SELECT 1 FROM registered_entries_events v WHERE v.entry_id = e.entry_id)`,
    );
    assert.deepEqual(partial, [], 'entries stored in part');
    const orphans = await ha.query(
      `SELECT id FROM selectors s WHERE NOT EXISTS (SELECT 1 FROM registered_entries e WHERE e.id = s.registered_entry_id)
       UNION ALL SELECT id FROM dns_names d WHERE NOT EXISTS (SELECT 1 FROM registered_entries e WHERE e.id = d.registered_entry_id)`,
    );
    assert.deepEqual(orphans, [], 'selectors or DNS names without their entry');
    // And as the surviving server serves them: each listed entry is exactly what was sent.
    const listed = await listEntries(b);
    assert.equal(listed.length, stored);
    for (const e of listed) {
      const i = Number(e.id.slice('batch-'.length));
      const want = batchEntry(i);
      assert.equal(e.spiffe_id.path, `/batch/${i}`);
      assert.deepEqual(
        e.selectors.map((s) => `${s.type}:${s.value}`).sort(),
        want.selectors.map((s) => `${s.type}:${s.value}`).sort(),
      );
      assert.deepEqual(e.dns_names, want.dns_names);
    }
  });

  it(`case 4b: an agent attached to a server that dies moves to the next server and keeps getting SVIDs${suffix}`, async (t) => {
    if (ha.skipped(t)) return;
    await a.stop({ keepDir: true });
    await ha.start(a);
    const agent = await ha.agent([0, 1]);
    t.after(() => agent.close());
    const { spiffeId } = await agent.attest(joinTokenAttestor(await a.joinToken()));
    const u = new URL(spiffeId);
    const entryId = await a.createEntry({ spiffeId: `spiffe://${HA_TD}/workload`, parentId: spiffeId, selectors: [{ type: 'unix', value: 'uid:1000' }] });
    assert.equal(u.host, HA_TD);
    await waitFor('server A to authorize the entry', async () => (await agent.sync(), agent.entries.has(entryId)), 30_000);
    const first = await agent.newX509Svid(entryId);
    assert.equal(first.spiffeId, `spiffe://${HA_TD}/workload`);
    assert.equal(agent.address, `127.0.0.1:${a.port}`);

    a.signal('SIGKILL');
    await waitFor('server A to refuse connections', async () => {
      try {
        await a.admin('bundle', 'GetBundle', {});
        return false;
      } catch (err) {
        return (err as { code?: number }).code === UNAVAILABLE;
      }
    });
    // Each call fails on A with UNAVAILABLE and is then made on B.
    await agent.sync();
    assert.equal(agent.address, `127.0.0.1:${b.port}`, 'the agent moved to server B');
    // B's entry cache sees A's write on its next reload (cache_reload_interval).
    await waitFor('server B to authorize the entry', async () => (await agent.sync(), agent.entries.has(entryId)), 30_000);
    const svid = await agent.newX509Svid(entryId);
    assert.equal(svid.spiffeId, `spiffe://${HA_TD}/workload`);
    const renewed = await agent.renew();
    assert.equal(renewed.spiffeId, spiffeId, 'B renews the agent A attested');
    assert.ok(await agent.newJwtSvid(entryId, ['aud']));
  });
});
