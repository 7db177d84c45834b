import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EjbcaEmulator, TEST_CA_CERT_PATH } from '@spire-ts/emulator-ejbca';
import { ServerProcess } from './harness.js';

const fingerprints = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);

describe('UpstreamAuthority ejbca in a real spire-server run, on the EJBCA emulator (mutual TLS)', { timeout: 180_000 }, () => {
  let ejbca: EjbcaEmulator;
  const server = new ServerProcess();
  const out = mkdtempSync(join(tmpdir(), 'ejbca-e2e-'));

  before(async () => {
    ejbca = await EjbcaEmulator.start({ validityMs: 6 * 3600_000 });
  });
  after(async () => {
    await server.stop();
    await ejbca.close();
    rmSync(out, { recursive: true, force: true });
  });

  it("the server CA is enrolled with EJBCA and chains to EJBCA's root; openssl verifies a minted SVID", async () => {
    const client = await ejbca.adminCredentials();
    await server.start({
      files: { 'ejbca-client.pem': client.certPem, 'ejbca-client-key.pem': client.keyPem },
      // The client certificate paths come from SPIRE's environment variables, the rest from plugin_data.
      env: { EJBCA_CLIENT_CERT_PATH: join(server.dir, 'ejbca-client.pem'), EJBCA_CLIENT_CERT_KEY_PATH: join(server.dir, 'ejbca-client-key.pem') },
      extraPlugins: `UpstreamAuthority "ejbca" {
    plugin_data {
      hostname = "${ejbca.hostname}"
      ca_cert_path = "${TEST_CA_CERT_PATH}"
      ca_name = "Fake-Sub-CA"
      end_entity_profile_name = "fakeSpireIntermediateCAEEP"
      certificate_profile_name = "fakeSubCACP"
      account_binding_id = "foo123"
    }
  }`,
    });
    assert.deepEqual(fingerprints(await server.bundlePem()), fingerprints(ejbca.rootPem), "the trust bundle is EJBCA's root");
    const enrolled = ejbca.enrollments();
    assert.ok(enrolled.length >= 1);
    assert.deepEqual(
      [enrolled[0]!.username, enrolled[0]!.certificate_authority_name, enrolled[0]!.account_binding_id, ejbca.requests[0]!.clientSubject],
      ['spiffe://example.org', 'Fake-Sub-CA', 'foo123', 'CN=SuperAdmin'],
    );

    await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), '-untrusted', join(out, 'svid.pem'), join(out, 'svid.pem')]);
    const chain = fingerprints(readFileSync(join(out, 'svid.pem'), 'utf8'));
    assert.equal(chain.length, 3, 'leaf, server CA, EJBCA issuing CA');
    assert.equal(chain[2], new X509Certificate(ejbca.pki.issuing.certPem).fingerprint256);
    const pems = readFileSync(join(out, 'svid.pem'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!;
    const serverCa = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pems[1], encoding: 'utf8' });
    assert.match(serverCa, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
    assert.match(serverCa, /URI:spiffe:\/\/example\.org\s*\n/);
    assert.match(serverCa, /Issuer: CN\s*=\s*Fake-Sub-CA/);
  });
});
