import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AzureEmulator } from './emulator.js';

describe('AzureEmulator: IMDS attested document', () => {
  let az: AzureEmulator;
  before(async () => {
    az = await AzureEmulator.start();
    az.imds.currentVm = { vmId: '5c08b38e-4d57-4c23-ac45-aca61037f084', subscriptionId: 'sub-1' };
  });
  after(async () => az.close());

  it('answers the agent with a PKCS#7 whose signer chains through the AIA intermediate to the test root', async () => {
    const res = await fetch(`${az.url}/metadata/attested/document?api-version=2025-04-07&nonce=abc`, { headers: { Metadata: 'true' } });
    const doc = (await res.json()) as { encoding: string; signature: string };
    assert.equal(doc.encoding, 'pkcs7');
    assert.ok(Buffer.from(doc.signature, 'base64').includes(Buffer.from('"nonce":"abc"')));
    const pki = await az.imds.chain();
    const signer = new X509Certificate(pki.signer.certPem);
    assert.equal(signer.infoAccess?.includes(pki.intermediateUrl), true);
    const der = Buffer.from(await (await fetch(pki.intermediateUrl)).arrayBuffer());
    const inter = new X509Certificate(der);
    assert.ok(signer.verify(inter.publicKey));
    assert.ok(inter.verify(new X509Certificate(pki.root.certPem).publicKey));
    assert.equal(signer.subjectAltName, 'DNS:metadata.azure.com');
  });

  it('requires the Metadata header', async () => {
    assert.equal((await fetch(`${az.url}/metadata/attested/document?nonce=x`)).status, 400);
  });
});
