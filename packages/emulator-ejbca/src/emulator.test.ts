import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { issue } from '@spire-ts/emulator-kit';
import { EjbcaEmulator } from './index.js';
import { enrollBody, post } from './client.test-support.js';

describe('EJBCA emulator: pkcs10enroll over mutual TLS', () => {
  let e: EjbcaEmulator;
  let admin: { certPem: string; keyPem: string };
  before(async () => {
    e = await EjbcaEmulator.start({ validityMs: 600_000 });
    admin = await e.adminCredentials();
  });
  after(async () => e.close());

  it('issues a Sub CA certificate from the CSR with the chain (issuing CA, then root), base64 DER', async () => {
    const started = Date.now();
    const a = await post(e, await enrollBody(), admin);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.equal(a.json.response_format, 'DER');
    const cert = new X509Certificate(Buffer.from(a.json.certificate as string, 'base64'));
    const chain = (a.json.certificate_chain as string[]).map((c) => new X509Certificate(Buffer.from(c, 'base64')));
    assert.equal(chain.length, 2);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, 'C=US\nO=SPIFFE');
    assert.equal(cert.subjectAltName, 'URI:spiffe://example.org');
    assert.equal(cert.serialNumber, a.json.serial_number);
    assert.ok(cert.checkIssued(chain[0]!) && cert.verify(chain[0]!.publicKey));
    assert.ok(chain[0]!.verify(chain[1]!.publicKey));
    assert.equal(chain[1]!.subject, chain[1]!.issuer, 'the last is the self-signed root');
    assert.equal(chain[1]!.toString(), new X509Certificate(e.rootPem).toString());
    assert.ok(new Date(cert.validTo).getTime() <= started + 600_000 + 1000, "the profile's validity");
    assert.equal(e.enrollments().at(-1)!.account_binding_id, 'foo123');
    assert.equal(e.requests.at(-1)!.clientSubject, 'CN=SuperAdmin');
  });

  it('answers PEM when configured, and no chain without include_chain', async () => {
    const pem = await EjbcaEmulator.start({ responseFormat: 'PEM' });
    try {
      const a = await post(pem, await enrollBody({ include_chain: false }), await pem.adminCredentials());
      assert.equal(a.json.response_format, 'PEM');
      assert.match(a.json.certificate as string, /^-----BEGIN CERTIFICATE-----/);
      assert.equal(a.json.certificate_chain, undefined);
    } finally {
      await pem.close();
    }
  });

  it('refuses a caller without a client certificate (401) or with one from another CA (403)', async () => {
    assert.deepEqual(await post(e, await enrollBody()), { status: 401, json: { error_code: 401, error_message: 'Client certificate or OAuth bearer token required.' } });
    const rogueCa = await issue({ subject: 'CN=Rogue CA', ca: true });
    const rogue = await issue({ subject: 'CN=SuperAdmin', eku: ['1.3.6.1.5.5.7.3.2'] }, rogueCa);
    const a = await post(e, await enrollBody(), rogue);
    assert.equal(a.status, 403);
    assert.match(a.json.error_message as string, /^Client certificate not trusted: /);
  });

  it('trusts the client CA it is configured with instead of its own', async () => {
    const otherCa = await issue({ subject: 'CN=Other Admin CA', ca: true });
    const other = await issue({ subject: 'CN=Operator', eku: ['1.3.6.1.5.5.7.3.2'] }, otherCa);
    const strict = await EjbcaEmulator.start({ trustedClientCaPem: otherCa.certPem });
    try {
      assert.equal((await post(strict, await enrollBody(), other)).status, 200);
      assert.equal((await post(strict, await enrollBody(), await strict.adminCredentials())).status, 403);
    } finally {
      await strict.close();
    }
  });

  it("refuses unknown names and bad CSRs with EJBCA's error body", async () => {
    assert.deepEqual(await post(e, await enrollBody({ certificate_authority_name: 'Nope' }), admin), { status: 404, json: { error_code: 404, error_message: "CA with name Nope doesn't exist." } });
    assert.deepEqual(await post(e, await enrollBody({ certificate_profile_name: 'x' }), admin), { status: 404, json: { error_code: 404, error_message: "Certificate profile with name x doesn't exist." } });
    assert.deepEqual(await post(e, await enrollBody({ username: '' }), admin), { status: 400, json: { error_code: 400, error_message: 'Invalid request: username is required.' } });
    const bad = await post(e, await enrollBody({ certificate_request: 'garbage' }), admin);
    assert.equal(bad.status, 400);
    assert.match(bad.json.error_message as string, /^Invalid CSR: failed to decode CSR: /);
    assert.deepEqual(await post(e, '{', admin), { status: 400, json: { error_code: 400, error_message: 'Malformed JSON request body.' } });
  });

  it('injects faults and garbage, then recovers', async () => {
    e.fail(500, 'Internal error');
    assert.deepEqual(await post(e, await enrollBody(), admin), { status: 500, json: { error_code: 500, error_message: 'Internal error' } });
    e.answerRaw(200, 'not json');
    assert.deepEqual(await post(e, await enrollBody(), admin), { status: 200, json: { raw: 'not json' } });
    e.setUnavailable(true);
    assert.equal((await post(e, await enrollBody(), admin)).status, 503);
    e.setUnavailable(false);
    assert.equal((await post(e, await enrollBody(), admin)).status, 200);
  });
});
