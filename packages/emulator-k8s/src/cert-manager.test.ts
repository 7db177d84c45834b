import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { rejection, useEmulator } from './client.test-support.js';
import { x509 } from '@spire-ts/emulator-kit';

const e = useEmulator();
const crApi = { group: 'cert-manager.io', version: 'v1', plural: 'certificaterequests' };

interface CR {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string; reason: string }[]; certificate?: string; ca?: string };
}

async function csrPem(): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'O=SPIFFE',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: 'spiffe://example.org' }])],
  });
  return csr.toString('pem');
}

async function create(name: string, spec: Record<string, unknown>): Promise<CR> {
  const api = e.kc.makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({
    ...crApi,
    namespace: 'spire',
    body: { apiVersion: 'cert-manager.io/v1', kind: 'CertificateRequest', metadata: { name }, spec: { issuerRef: { name: 'ca', kind: 'Issuer', group: 'cert-manager.io' }, ...spec } },
  });
  await e.k.certManager.idle();
  return (await api.getNamespacedCustomObject({ ...crApi, namespace: 'spire', name })) as CR;
}

const conditions = (cr: CR) => (cr.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]);

test('sign mode issues an intermediate CA certificate honouring duration and isCA', async () => {
  e.k.certManager.mode = 'sign';
  const cr = await create('signed', { request: Buffer.from(await csrPem()).toString('base64'), duration: '48h', isCA: true, usages: ['cert sign', 'crl sign'] });
  assert.deepEqual(conditions(cr), [['Approved', 'True', 'cert-manager.io'], ['Ready', 'True', 'Issued']]);
  const cert = new x509.X509Certificate(Buffer.from(cr.status?.certificate ?? '', 'base64').toString());
  const root = new x509.X509Certificate(Buffer.from(cr.status?.ca ?? '', 'base64').toString());
  assert.equal(Buffer.from(cr.status?.ca ?? '', 'base64').toString(), e.k.certManager.caPem);
  assert.ok(await cert.verify({ publicKey: root.publicKey }));
  assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, true);
  assert.equal(cert.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  const hours = (cert.notAfter.getTime() - Date.now()) / 3600_000;
  assert.ok(hours > 47.9 && hours <= 48, `${hours}h`);
  assert.deepEqual(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(), [{ type: 'url', value: 'spiffe://example.org' }]);
});

test('a certificate request without isCA gets a leaf certificate', async () => {
  const cr = await create('leaf', { request: Buffer.from(await csrPem()).toString('base64') });
  const cert = new x509.X509Certificate(Buffer.from(cr.status?.certificate ?? '', 'base64').toString());
  assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca ?? false, false);
  assert.equal(cert.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
});

test('a generateName request gets a generated name, and a labelSelector lists it', async () => {
  e.k.certManager.mode = 'sign';
  const api = e.kc.makeApiClient(CustomObjectsApi);
  const made = (await api.createNamespacedCustomObject({
    ...crApi,
    namespace: 'spire',
    body: { apiVersion: 'cert-manager.io/v1', kind: 'CertificateRequest', metadata: { generateName: 'spiffe-ca-', labels: { 'cert-manager.spiffe.io/trust-domain': 'example.org' } }, spec: { request: Buffer.from(await csrPem()).toString('base64') } },
  })) as CR;
  assert.match(made.metadata.name, /^spiffe-ca-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const list = (await api.listNamespacedCustomObject({ ...crApi, namespace: 'spire', labelSelector: 'cert-manager.spiffe.io/trust-domain=example.org' })) as { items: CR[] };
  assert.deepEqual(list.items.map((x) => x.metadata.name), [made.metadata.name]);
});

test('deny mode sets Denied=True', async () => {
  e.k.certManager.mode = 'deny';
  const cr = await create('denied', { request: Buffer.from(await csrPem()).toString('base64') });
  assert.deepEqual(conditions(cr), [['Denied', 'True', 'Denied'], ['Ready', 'False', 'Denied']]);
  assert.equal(cr.status?.certificate, undefined);
});

test('fail mode sets Ready=False reason Failed', async () => {
  e.k.certManager.mode = 'fail';
  const cr = await create('failed', { request: Buffer.from(await csrPem()).toString('base64') });
  assert.deepEqual(conditions(cr), [['Approved', 'True', 'cert-manager.io'], ['Ready', 'False', 'Failed']]);
});

test('never mode leaves the request pending', async () => {
  e.k.certManager.mode = 'never';
  const cr = await create('pending', { request: Buffer.from(await csrPem()).toString('base64') });
  assert.equal(cr.status, undefined);
});

test('a request that is not a CSR fails to sign', async () => {
  e.k.certManager.mode = 'sign';
  const cr = await create('garbage', { request: Buffer.from('not a csr').toString('base64') });
  assert.deepEqual(conditions(cr), [['Approved', 'True', 'cert-manager.io'], ['Ready', 'False', 'Failed']]);
});

test('certificate requests are listed and deleted', async () => {
  const api = e.kc.makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({ ...crApi, namespace: 'spire' })) as { items: CR[] };
  assert.ok(list.items.some((x) => x.metadata.name === 'signed'));
  await api.deleteNamespacedCustomObject({ ...crApi, namespace: 'spire', name: 'signed' });
  assert.equal((await rejection(api.getNamespacedCustomObject({ ...crApi, namespace: 'spire', name: 'signed' }))).code, 404);
});

test('an update through the main resource does not change status; /status does', async () => {
  e.k.certManager.mode = 'never';
  const api = e.kc.makeApiClient(CustomObjectsApi);
  const cr = (await create('status-sub', { request: 'eA==' })) as CR & { spec: object };
  const replaced = (await api.replaceNamespacedCustomObject({ ...crApi, namespace: 'spire', name: 'status-sub', body: { ...cr, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Forged' }] } } })) as CR;
  assert.equal(replaced.status, undefined);
  const latest = (await api.getNamespacedCustomObject({ ...crApi, namespace: 'spire', name: 'status-sub' })) as CR;
  const viaStatus = (await api.replaceNamespacedCustomObjectStatus({ ...crApi, namespace: 'spire', name: 'status-sub', body: { ...latest, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Set' }] } } })) as CR;
  assert.deepEqual(conditions(viaStatus), [['Ready', 'True', 'Set']]);
});
