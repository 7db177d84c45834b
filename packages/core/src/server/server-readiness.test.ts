import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { requireFromSqlDataStore } from '../plugins/datastore/test-support/sql-store.js';
import { healthcheckCommand } from '../cli/commands/healthcheck.js';
import { io, startRealServer } from './real-server.test-support.js';

type PgClient = { connect(): Promise<void>; query(q: string): Promise<unknown>; end(): Promise<void> };

/** Runs one statement as the test database administrator. */
async function admin(url: string, sql: string): Promise<void> {
  const { Client } = requireFromSqlDataStore('pg') as { Client: new (u: string) => PgClient };
  const c = new Client(url);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe('SpireServer readiness', () => {
  it('is not ready (HTTP ready path, grpc health) while PostgreSQL refuses writes, and stays live', async (t) => {
    const url = process.env.SPIRE_TEST_POSTGRES_URL;
    if (!url) {
      if (process.env.SPIRE_TEST_REQUIRE_DBS === '1') throw new Error('SPIRE_TEST_POSTGRES_URL is not set (SPIRE_TEST_REQUIRE_DBS=1)');
      return t.skip('SPIRE_TEST_POSTGRES_URL is not set (run: eval "$(bash scripts/test-dbs.sh env)")');
    }
    const name = `spire_ready_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin(url, `CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const { server, socketPath } = await startRealServer({
      datastoreData: `database_type = "postgres"\n connection_string = "${dbUrl.toString()}"`,
      healthIntervals: { initialMs: 100, steadyMs: 100 },
    });
    try {
      const health = (p: string) => fetch(`http://127.0.0.1:${server.healthPort}${p}`);
      assert.equal((await health('/ready')).status, 200);
      let c = io();
      assert.equal(await healthcheckCommand.run(['-socketPath', socketPath], c), 0);

      // New sessions are read-only; ending the server's sessions makes its pool open new ones.
      await admin(url, `ALTER DATABASE ${name} SET default_transaction_read_only = on`);
      await admin(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      let body = '';
      for (let i = 0; i < 40 && !/does not accept writes/.test(body); i++) {
        await new Promise((r) => setTimeout(r, 250));
        const r = await health('/ready');
        body = await r.text();
        if (/does not accept writes/.test(body)) assert.equal(r.status, 500);
      }
      assert.match(body, /"catalog\.datastore":\{"datastore_err":"database does not accept writes: cannot execute UPDATE in a read-only transaction"\}/);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await health('/live')).status, 200, 'reads work, so the server is live');
      c = io();
      assert.equal(await healthcheckCommand.run(['-socketPath', socketPath], c), 1);
      assert.equal(c.err(), 'Error: server is unhealthy: server returned status "NOT_SERVING"\n');
    } finally {
      await server.stop();
      await admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
