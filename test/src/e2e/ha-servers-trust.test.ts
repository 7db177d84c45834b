import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { certsPem, csrFor, newKey } from '../agent/keys.js';
import { run, type ServerProcess } from './harness.js';
import { HA_DB_LABEL, HA_DIALECTS, HA_TD, HaCluster, haCaseSuffix } from './ha-servers-cluster.js';

// Issue 22, cases 3 and 5, on PostgreSQL and on MariaDB: every server's CA is trusted through the
// one shared bundle, and CA rotations prepared on several servers at the same moment all reach the bundle.

type Bundle = { x509_authorities: { asn1: Buffer }[]; jwt_authorities: { key_id: string }[] };
type Prepared = { prepared_authority: { authority_id: string } };

/** The Subject Key IDs (hex) of the bundle's X.509 roots: the X.509 authority IDs. */
function rootIds(b: Bundle): string[] {
  return b.x509_authorities.map((r) => {
    const ext = new x509.X509Certificate(r.asn1).getExtension(x509.SubjectKeyIdentifierExtension);
    assert.ok(ext, 'a CA root without a Subject Key ID');
    return ext.keyId.toLowerCase();
  });
}

for (const dialect of HA_DIALECTS) describe(`HA servers on one ${HA_DB_LABEL[dialect]} database: shared trust`, { timeout: 120_000 }, () => {
  const ha = new HaCluster(dialect);
  const suffix = haCaseSuffix(dialect);
  let servers: ServerProcess[] = [];
  before(async () => {
    await ha.prepare();
    if (ha.available) servers = await ha.open(3);
  });
  after(() => ha.close());

  it(`case 3: each server's CA root is in the shared bundle, and an SVID minted by one verifies (openssl) against the bundle fetched from another${suffix}`, async (t) => {
    if (ha.skipped(t)) return;
    const bundle = await servers[1]!.admin<Bundle>('bundle', 'GetBundle', {});
    const ids = rootIds(bundle);
    for (const [i, s] of servers.entries()) {
      const state = await s.admin<{ active: { authority_id: string } }>('localAuthority', 'GetX509AuthorityState', {});
      assert.ok(ids.includes(state.active.authority_id.toLowerCase()), `server ${i}'s active CA ${state.active.authority_id} is not in the bundle ${ids.join(', ')}`);
    }
    for (const [i, minter] of servers.entries()) {
      const other = servers[(i + 1) % servers.length]!;
      const key = await newKey();
      const id = `spiffe://${HA_TD}/minted/by/${i}`;
      const res = await minter.admin<{ svid: { cert_chain: Buffer[] } }>('svid', 'MintX509SVID', { csr: await csrFor(key, id), ttl: 600 });
      const [leaf, ...intermediates] = res.svid.cert_chain;
      const dir = minter.dir;
      writeFileSync(join(dir, 'leaf.pem'), certsPem([leaf!]));
      writeFileSync(join(dir, 'chain.pem'), certsPem(intermediates));
      writeFileSync(join(dir, 'bundle-from-other.pem'), await other.bundlePem());
      const args = ['verify', '-CAfile', join(dir, 'bundle-from-other.pem'), ...(intermediates.length ? ['-untrusted', join(dir, 'chain.pem')] : []), join(dir, 'leaf.pem')];
      assert.match(run('openssl', args), /leaf\.pem: OK/);
    }
  });

  it(`case 5: X.509 and JWT authorities prepared on every server at the same moment all reach the bundle, and none is lost${suffix}`, async (t) => {
    if (ha.skipped(t)) return;
    const before = await servers[0]!.admin<Bundle>('bundle', 'GetBundle', {});
    const rounds = 3;
    const preparedX509: string[] = [];
    const preparedJwt: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const calls = servers.flatMap((s) => [
        s.admin<Prepared>('localAuthority', 'PrepareX509Authority', {}).then((p) => preparedX509.push(p.prepared_authority.authority_id.toLowerCase())),
        s.admin<Prepared>('localAuthority', 'PrepareJWTAuthority', {}).then((p) => preparedJwt.push(p.prepared_authority.authority_id)),
      ]);
      await Promise.all(calls);
    }
    const after = await servers[2]!.admin<Bundle>('bundle', 'GetBundle', {});
    const x509After = rootIds(after);
    for (const id of [...rootIds(before), ...preparedX509]) assert.ok(x509After.includes(id), `X.509 authority ${id} is missing from the bundle`);
    assert.equal(x509After.length, before.x509_authorities.length + rounds * servers.length);
    const jwtAfter = after.jwt_authorities.map((k) => k.key_id);
    for (const kid of [...before.jwt_authorities.map((k) => k.key_id), ...preparedJwt]) assert.ok(jwtAfter.includes(kid), `JWT authority ${kid} is missing from the bundle`);
    assert.equal(jwtAfter.length, before.jwt_authorities.length + rounds * servers.length);
  });
});
