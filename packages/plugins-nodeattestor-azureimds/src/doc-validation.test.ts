import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { makeAttackerIdentity, signPkcs7 } from '@spire-ts/emulator-azure';
import { validateAttestedDocument } from './doc-validation.js';
import { agent, makeAttestor, seedVm, startAzure, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_imds: attested document validation', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  const settings = (roots: X509Certificate[]) => ({ allowedDomains: ['metadata.azure.com'], roots, now: new Date(), signal: new AbortController().signal });
  const content = Buffer.from(JSON.stringify({ nonce: 'n', vmId: 'v', subscriptionId: 's' }));

  it('returns the signed content of a genuine document', async () => {
    const pki = await env.az.imds.chain();
    const doc = { encoding: 'pkcs7', signature: signPkcs7(content, pki.signer, [pki.signer]) };
    assert.deepEqual(await validateAttestedDocument(doc, settings([new X509Certificate(pki.root.certPem)])), { nonce: 'n', vmId: 'v', subscriptionId: 's' });
  });

  it('judges the certificate that signed, not the first of the bag (v1.15.1)', async () => {
    const pki = await env.az.imds.chain();
    // The attacker's certificate carries no AIA: the fetch of an issuer fails before anything else.
    const attacker = await makeAttackerIdentity();
    const doc = { encoding: 'pkcs7', signature: signPkcs7(content, attacker, [pki.signer, attacker]) };
    await assert.rejects(
      validateAttestedDocument(doc, settings([new X509Certificate(pki.root.certPem)])),
      /^Error: failed to get intermediate certificate: failed to extract CA Issuers URL: no CA Issuers URL found in certificate$/,
    );
  });

  it('refuses a message whose signer is not in its bag', async () => {
    const pki = await env.az.imds.chain();
    const attacker = await makeAttackerIdentity();
    const doc = { encoding: 'pkcs7', signature: signPkcs7(content, attacker, [pki.signer]) };
    await assert.rejects(validateAttestedDocument(doc, settings([])), /expected exactly one signer certificate in PKCS7 signature/);
  });

  it('refuses a message without certificates, and garbage', async () => {
    const pki = await env.az.imds.chain();
    await assert.rejects(validateAttestedDocument({ signature: signPkcs7(content, pki.signer, []) }, settings([])), /no certificates found in PKCS7 signature/);
    await assert.rejects(validateAttestedDocument({ signature: 'AAAA' }, settings([])), /^Error: failed to parse PKCS7 signature: /);
    await assert.rejects(validateAttestedDocument({ signature: '%%%' }, settings([])), /failed to decode signature/);
  });

  it('says UNAVAILABLE when the intermediate cannot be fetched', async () => {
    const a = await makeAttestor(env);
    env.az.fail('imds.intermediate', 503, { error: 'down' });
    await rejectsWith(
      a.attest(new Uint8Array(), agent(env, seedVm(env))),
      Code.UNAVAILABLE,
      'failed to validate attested document: failed to get intermediate certificate: failed to fetch intermediate certificate, status: 503',
    );
  });
});
