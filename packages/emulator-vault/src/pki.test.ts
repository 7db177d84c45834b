import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { VaultEmulator } from './emulator.js';
import { call } from './test-support.js';

let emu: VaultEmulator;
let token: string;
before(async () => {
  emu = await VaultEmulator.start();
  token = emu.createToken({ ttl: 0 });
});
after(() => emu.close());

const csrPem = async () => (await makeCaCsr(['spiffe://example.org'])).pem;

describe('Vault emulator PKI sign-intermediate', () => {
  it('signs a CA certificate with the TTL, URI SANs and subject asked for; the chain verifies', async () => {
    const r = await call(emu, 'PUT', '/v1/pki/root/sign-intermediate', {
      token,
      body: { common_name: '', organization: 'SPIFFE', country: 'US', uri_sans: 'spiffe://example.org', csr: await csrPem(), ttl: '1800' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const cert = new X509Certificate(r.json.data.certificate);
    assert.equal(cert.ca, true);
    assert.equal(cert.subjectAltName, 'URI:spiffe://example.org');
    assert.ok(Math.abs(new Date(cert.validTo).getTime() - (Date.now() + 1800_000)) < 5000);
    const issuing = new X509Certificate(r.json.data.issuing_ca);
    assert.ok(cert.verify(issuing.publicKey));
    assert.equal(r.json.data.ca_chain.length, 3);
    assert.equal(r.json.data.ca_chain[0], r.json.data.certificate);
    assert.ok(issuing.verify(new X509Certificate(r.json.data.ca_chain[2]).publicKey));
  });

  it('refuses without a valid token, and a TTL past the issuer', async () => {
    assert.equal((await call(emu, 'PUT', '/v1/pki/root/sign-intermediate', { body: { csr: await csrPem(), common_name: 'x' } })).status, 403);
    const r = await call(emu, 'PUT', '/v1/pki/root/sign-intermediate', { token, body: { csr: await csrPem(), common_name: 'x', ttl: '87600h' } });
    assert.equal(r.status, 400);
    assert.match(r.json.errors[0], /beyond the expiration of the CA certificate/);
  });

  it('answers garbage when told to', async () => {
    emu.answerNext('pki.sign-intermediate', { data: { certificate: 'garbage' } });
    const r = await call(emu, 'PUT', '/v1/pki/root/sign-intermediate', { token, body: { csr: await csrPem(), common_name: 'x' } });
    assert.deepEqual(r.json, { data: { certificate: 'garbage' } });
  });
});
