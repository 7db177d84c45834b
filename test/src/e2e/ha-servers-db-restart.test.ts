import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import type { ServerProcess } from './harness.js';
import { HA_TD, HaCluster, healthy, pgClusterOnPort, pgCtl, waitFor } from './ha-servers-cluster.js';

// Issue 22, case 8: the PostgreSQL server stops and starts again while two servers handle calls.
// This stops the whole test cluster of scripts/test-dbs.sh, which cuts every other suite's
// sessions on it, so it runs only when SPIRE_TEST_PG_RESTART=1 (CI runs this file alone).

describe('HA servers on one PostgreSQL database: the database restarts', { timeout: 180_000 }, () => {
  const ha = new HaCluster();
  let cluster: [string, string] | undefined;
  let why: string | undefined;
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    if (process.env.SPIRE_TEST_PG_RESTART !== '1') {
      why = 'SPIRE_TEST_PG_RESTART is not 1 (this case stops the shared test PostgreSQL cluster)';
      return;
    }
    const url = process.env.SPIRE_TEST_POSTGRES_URL;
    cluster = url ? pgClusterOnPort(Number(new URL(url).port || 5432)) : undefined;
    if (!cluster) {
      why = 'no local PostgreSQL cluster (pg_lsclusters) serves SPIRE_TEST_POSTGRES_URL';
      if (process.env.SPIRE_TEST_REQUIRE_DBS === '1') throw new Error(`${why} (SPIRE_TEST_REQUIRE_DBS=1)`);
      return;
    }
    await ha.prepare();
    if (ha.available) [a, b] = (await ha.open(2)) as [ServerProcess, ServerProcess];
  });
  after(async () => {
    // Whatever happened, the cluster is up again before the database is dropped.
    if (cluster) {
      try {
        pgCtl(cluster, 'start');
      } catch {
        // Already running.
      }
    }
    await ha.close();
  });

  it('case 8: servers report not-ready while PostgreSQL is down, recover on their own, and lose nothing they acknowledged', async (t) => {
    if (why) return t.skip(why);
    if (ha.skipped(t)) return;
    const agent: AgentClient = await ha.agent([0, 1]);
    t.after(() => agent.close());
    const { spiffeId } = await agent.attest(joinTokenAttestor(await a.joinToken()));
    const workload = await a.createEntry({ spiffeId: `spiffe://${HA_TD}/workload`, parentId: spiffeId, selectors: [{ type: 'unix', value: 'uid:1000' }] });
    await waitFor('the entry to reach the agent', async () => (await agent.sync(), agent.entries.has(workload)));

    // Load: entries created alternately through A and B, and SVIDs, until told to stop.
    const acknowledged: string[] = [];
    let failures = 0;
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const server = i % 2 === 0 ? a : b;
        try {
          acknowledged.push(await server.createEntry({ spiffeId: `spiffe://${HA_TD}/load/${i}`, parentId: spiffeId, selectors: [{ type: 'unix', value: `uid:${i}` }] }));
          await agent.newX509Svid(workload);
        } catch {
          failures++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor('some calls to succeed before the restart', () => acknowledged.length >= 5);

    pgCtl(cluster!, 'stop');
    try {
      await waitFor('both servers to report not healthy', async () => !(await healthy(a)) && !(await healthy(b)), 60_000);
      const before = failures;
      await waitFor('calls to fail while the database is down', () => failures > before);
    } finally {
      pgCtl(cluster!, 'start');
    }
    await waitFor('both servers to report healthy again', async () => (await healthy(a)) && (await healthy(b)), 60_000);
    const afterRestart = acknowledged.length;
    await waitFor('calls to succeed again through both servers', () => acknowledged.length >= afterRestart + 4, 30_000);
    stop = true;
    await load;

    const stored = new Set(
      (await ha.query<{ entry_id: string }>('SELECT entry_id FROM registered_entries')).map((r) => r.entry_id),
    );
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], 'entries the servers acknowledged are missing');
    assert.ok((await agent.newX509Svid(workload)).certChain.length > 0);
  });
});
