import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { caCsr, makeUA, mint, startEjbca, type EjbcaTestEnv } from './harness.test-support.js';

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

describe('ejbca: enrollment against the EJBCA emulator', () => {
  let env: EjbcaTestEnv;
  before(async () => {
    env = await startEjbca();
  });
  after(async () => env.close());

  it("splits EJBCA's chain: issued CA and issuing CA minted, the root upstream", async () => {
    const r = await mint(await makeUA({ ...env.data, account_binding_id: 'foo123' }));
    assert.equal(r.x509CaChain.length, 2);
    assert.deepEqual(r.x509CaChain[1], der(env.ejbca.pki.issuing.certPem));
    assert.deepEqual(r.upstreamX509Roots, [{ asn1: der(env.ejbca.rootPem), tainted: false }]);
    const sent = env.ejbca.enrollments().at(-1)!;
    assert.equal(sent.username, 'spiffe://example.org', 'SPIRE picks the URI SAN when there is no CN or DNS name');
    assert.match(sent.password, /^[a-zA-Z]{16}$/);
    assert.equal(sent.certificate_authority_name, 'Fake-Sub-CA');
    assert.equal(sent.end_entity_profile_name, 'fakeSpireIntermediateCAEEP');
    assert.equal(sent.certificate_profile_name, 'fakeSubCACP');
    assert.equal(sent.account_binding_id, 'foo123');
    assert.equal(sent.include_chain, true);
    assert.match(sent.certificate_request, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  });

  it('reads PEM answers too', async () => {
    const pem = await startEjbca({ responseFormat: 'PEM' });
    try {
      const r = await mint(await makeUA(pem.data));
      assert.deepEqual(r.upstreamX509Roots, [{ asn1: der(pem.ejbca.rootPem), tainted: false }]);
      assert.equal(new X509Certificate(r.x509CaChain[0]!).ca, true);
    } finally {
      await pem.close();
    }
  });

  it('chooses the end entity name as end_entity_name says', async () => {
    const csr = await caCsr({ cn: 'spire-ca', ips: ['10.0.0.7'] });
    for (const [setting, want] of [
      ['', 'spire-ca'],
      ['cn', 'spire-ca'],
      ['uri', 'spiffe://example.org'],
      ['ip', '10.0.0.7'],
      ['my-server', 'my-server'],
    ] as const) {
      await mint(await makeUA({ ...env.data, end_entity_name: setting }), csr);
      assert.equal(env.ejbca.enrollments().at(-1)!.username, want, `end_entity_name = ${JSON.stringify(setting)}`);
    }
  });
});
