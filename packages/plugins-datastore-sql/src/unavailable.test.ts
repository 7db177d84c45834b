import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { FlakyDriver } from './driver/sql-driver.fake.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';
import { postgresDb, mysqlDb } from './testing/targets.js';
import { TcpProxy } from './testing/tcp-proxy.js';
import { parsePostgresConnString, parseMysqlDsn } from './conn-string.js';

async function expectUnavailable(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SpireError, String(err));
    assert.equal(err.code, Code.UNAVAILABLE, err.message);
    assert.match(err.message, /^database unavailable: /);
    return true;
  });
}

describe('an unreachable database (fake outage)', () => {
  it('gives UNAVAILABLE, fails ping, and recovers when it comes back', async () => {
    const inner = new SqliteDriver({ filename: ':memory:' });
    await migrate(inner, { disable: false, codeVersion: '1.16.0' });
    const flaky = new FlakyDriver(inner);
    const ds = new SqlStore(flaky);
    await ds.createJoinToken({ token: 'before', expiry: 4_000_000_000 });
    flaky.down();
    await expectUnavailable(ds.ping());
    await expectUnavailable(ds.fetchJoinToken('before'));
    await expectUnavailable(ds.createJoinToken({ token: 'during', expiry: 4_000_000_000 }));
    flaky.up();
    await ds.ping();
    assert.equal((await ds.fetchJoinToken('before'))?.token, 'before');
    assert.equal(await ds.fetchJoinToken('during'), undefined, 'nothing half-written during the outage');
    await ds.close();
  });
});

async function outageAgainst(kind: 'postgres' | 'mysql', t: TestContext): Promise<void> {
  const target = kind === 'postgres' ? await postgresDb() : await mysqlDb();
  if (target.fail) throw new Error(target.fail);
  if (!target.db) {
    t.skip(target.skip);
    return;
  }
  const db = target.db;
  after(() => db.drop());
  // Migrate directly, then reach the same database through a proxy we can stop.
  await (await db.open()).close?.();
  const cs = String(db.pluginData.connection_string);
  let host: string;
  let port: number;
  if (kind === 'postgres') {
    const s = parsePostgresConnString(cs).spec!;
    host = s.host;
    port = s.port;
  } else {
    const s = parseMysqlDsn(cs).spec!;
    host = s.host!;
    port = s.port!;
  }
  const proxy = new TcpProxy(host, port);
  await proxy.start();
  const viaProxy =
    kind === 'postgres'
      ? (() => {
          const u = new URL(cs);
          u.host = `127.0.0.1:${proxy.port}`;
          return u.toString();
        })()
      : cs.replace(/@tcp\([^)]*\)/, `@tcp(127.0.0.1:${proxy.port})`);
  const ds = await db.open({ connection_string: viaProxy });
  try {
    await ds.createJoinToken({ token: 'before', expiry: 4_000_000_000 });
    await proxy.stop();
    await expectUnavailable(ds.ping());
    await expectUnavailable(ds.fetchJoinToken('before'));
    await expectUnavailable(ds.createRegistrationEntry({
      entryId: '',
      spiffeId: 'spiffe://example.org/w',
      parentId: 'spiffe://example.org/p',
      selectors: [{ type: 'a', value: 'b' }],
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
    }));
    await proxy.start();
    await ds.ping();
    assert.equal((await ds.fetchJoinToken('before'))?.token, 'before', 'the same store works again without a restart');
    await ds.createJoinToken({ token: 'after', expiry: 4_000_000_000 });
  } finally {
    await ds.close?.();
    await proxy.stop();
  }
}

describe('an unreachable PostgreSQL server (loopback proxy stopped and started)', () => {
  it('gives UNAVAILABLE, fails ping, and recovers without a restart', (t) => outageAgainst('postgres', t));
});

describe('an unreachable MySQL server (loopback proxy stopped and started)', () => {
  it('gives UNAVAILABLE, fails ping, and recovers without a restart', (t) => outageAgainst('mysql', t));
});
