import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HA_DB_LABEL, HA_DIALECTS, HaCluster, haCaseSuffix, healthy } from './ha-servers-cluster.js';

// Issue 22, cases 1 and 10: servers that start together on an empty database (PostgreSQL, then
// MariaDB), and a server restarted many times with a persistent (disk) KeyManager (PostgreSQL).

type Bundle = { x509_authorities: { asn1: Buffer }[]; jwt_authorities: { key_id: string }[]; sequence_number: string | number };

for (const dialect of HA_DIALECTS) describe(`HA servers on one ${HA_DB_LABEL[dialect]} database: start-up and restarts`, { timeout: 180_000 }, () => {
  const ha = new HaCluster(dialect);
  const suffix = haCaseSuffix(dialect);
  before(() => ha.prepare());
  after(() => ha.close());

  it(`case 1: three servers started at the same moment on an empty database all become healthy, and the schema is migrated once${suffix}`, async (t) => {
    if (ha.skipped(t)) return;
    const servers = await ha.open(3);
    for (const [i, s] of servers.entries()) assert.ok(await healthy(s), `server ${i} is not healthy:\n${s.log()}`);
    // One migrations row, written once: a server that found the schema current did not rewrite it.
    const rows = await ha.query<{ version: number; created_at: Date; updated_at: Date }>('SELECT version, created_at, updated_at FROM migrations');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.updated_at.getTime(), rows[0]!.created_at.getTime(), 'the migrations row was rewritten after it was created');
    for (const s of servers) assert.match(s.log(), /Database schema is current/);
    // Each server has its own CA and its own journal row, found by its own keys.
    const journals = await ha.query<{ n: string }>('SELECT count(*) AS n FROM ca_journals');
    assert.equal(Number(journals[0]!.n), 3);
    const bundle = await servers[0]!.admin<Bundle>('bundle', 'GetBundle', {});
    assert.equal(bundle.x509_authorities.length, 3, 'one X.509 root per server');
  });

  // Key reuse does not depend on the database: this case runs on PostgreSQL only.
  if (dialect === 'postgres') it('case 10: 20 restarts of a server with a disk KeyManager add no JWT key nor X.509 root to the bundle', async (t) => {
    if (ha.skipped(t)) return;
    const [a, b] = ha.servers;
    assert.ok(a && b, 'case 1 started the servers');
    const before = await b.admin<Bundle>('bundle', 'GetBundle', {});
    for (let i = 0; i < 20; i++) {
      await a.stop({ keepDir: true });
      await ha.start(a);
    }
    assert.match(a.log(), /Found a CA journal record that matches with a local X509 authority ID/);
    const after = await b.admin<Bundle>('bundle', 'GetBundle', {});
    assert.deepEqual(after.jwt_authorities.map((k) => k.key_id).sort(), before.jwt_authorities.map((k) => k.key_id).sort());
    assert.deepEqual(after.x509_authorities.map((r) => r.asn1.toString('hex')).sort(), before.x509_authorities.map((r) => r.asn1.toString('hex')).sort());
    assert.equal(String(after.sequence_number), String(before.sequence_number), 'nothing was added, so the sequence number stayed');
    const journals = await ha.query<{ n: string }>('SELECT count(*) AS n FROM ca_journals');
    assert.equal(Number(journals[0]!.n), 3, 'the restarted server found its own journal row each time');
  });
});
