import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { parsePostgresConnString } from './conn-string.js';
import { postgresDb } from './testing/targets.js';
import { TcpProxy } from './testing/tcp-proxy.js';

describe('ro_connection_string (PostgreSQL)', () => {
  it('serves stale-tolerant reads from the replica and everything else from the primary', async (t) => {
    const target = await postgresDb();
    if (target.fail) throw new Error(target.fail);
    if (!target.db) {
      t.skip(target.skip);
      return;
    }
    const db = target.db;
    after(() => db.drop());
    const cs = String(db.pluginData.connection_string);
    const spec = parsePostgresConnString(cs).spec!;
    // The "replica" is the same database reached through a proxy we can stop.
    const proxy = new TcpProxy(spec.host, spec.port);
    await proxy.start();
    const u = new URL(cs);
    u.host = `127.0.0.1:${proxy.port}`;
    const ds = await db.open({ ro_connection_string: u.toString() });
    try {
      const e = await ds.createRegistrationEntry({
        entryId: 'replica-entry',
        spiffeId: 'spiffe://example.org/replica',
        parentId: 'spiffe://example.org/agent',
        selectors: [{ type: 'r', value: '1' }],
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
      });
      const stale = await ds.listRegistrationEntries({ bySpiffeId: e.spiffeId, tolerateStale: true });
      assert.deepEqual(
        stale.entries.map((x) => x.entryId),
        ['replica-entry'],
      );
      await proxy.stop();
      const scanStale = async () => {
        for await (const batch of ds.scanRegistrationEntries({ tolerateStale: true })) void batch;
      };
      await assert.rejects(scanStale(), (err: unknown) => err instanceof SpireError && err.code === Code.UNAVAILABLE, 'a stale-tolerant scan reads the replica');
      let scanned = 0;
      for await (const batch of ds.scanRegistrationEntries()) scanned += batch.length;
      assert.equal(scanned, 1, 'a current scan reads the primary');
      await assert.rejects(ds.listRegistrationEntries({ bySpiffeId: e.spiffeId, tolerateStale: true }), (err: unknown) => {
        assert.ok(err instanceof SpireError);
        assert.equal(err.code, Code.UNAVAILABLE);
        return true;
      });
      assert.equal((await ds.listRegistrationEntries({ bySpiffeId: e.spiffeId })).entries.length, 1, 'current reads use the primary');
      assert.equal(await ds.countRegistrationEntries({ bySpiffeId: e.spiffeId }), 1);
    } finally {
      await ds.close?.();
      await proxy.stop();
    }
  });
});
