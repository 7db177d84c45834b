import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InstancesClient } from '@google-cloud/compute';
import { createLocalJWKSet, decodeProtectedHeader, importX509, jwtVerify } from 'jose';
import { GcpEmulator } from './emulator.js';

describe('GcpEmulator: instance identity tokens and Compute instances.get', () => {
  let gcp: GcpEmulator;
  const saved = { ...process.env };
  before(async () => {
    gcp = await GcpEmulator.start();
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    Object.assign(process.env, gcp.env());
  });
  after(async () => {
    process.env = saved;
    await gcp.close();
  });

  it('serves the identity route (Metadata-Flavor required) with a token the certificate endpoint verifies', async () => {
    const url = `${gcp.url}/computeMetadata/v1/instance/service-accounts/default/identity?audience=spire-gcp-node-attestor&format=full`;
    assert.equal((await fetch(url)).status, 403);
    const token = await (await fetch(url, { headers: { 'Metadata-Flavor': 'Google' } })).text();
    const certsRes = await fetch(`${gcp.url}/oauth2/v1/certs`);
    assert.ok(Date.parse(certsRes.headers.get('expires')!) > Date.now());
    const certs = (await certsRes.json()) as Record<string, string>;
    const kid = decodeProtectedHeader(token).kid!;
    const key = await importX509(certs[kid]!, 'RS256');
    const { payload } = await jwtVerify(token, key, { audience: 'spire-gcp-node-attestor', issuer: 'https://accounts.google.com' });
    assert.deepEqual((payload.google as { compute_engine: { project_id: string } }).compute_engine.project_id, 'test-project');
    assert.equal(typeof createLocalJWKSet, 'function');
  });

  it('publishes rotated keys alongside the old ones and drops Expires when asked', async () => {
    const s = await gcp.iit.rotate('kid-2');
    gcp.iit.certsExpires = null;
    const res = await fetch(`${gcp.url}/oauth2/v1/certs`);
    assert.equal(res.headers.get('expires'), null);
    const certs = (await res.json()) as Record<string, string>;
    assert.equal(Object.keys(certs).length, 2);
    assert.ok(certs[s.kid]);
  });

  it('answers instances.get through the real client with tags, labels and metadata, and 404 for others', async () => {
    gcp.compute.seed({ project: 'p1', zone: 'us-west1-b', name: 'vm-1', tags: ['web'], labels: { env: 'prod' }, metadata: [{ key: 'role', value: 'db' }] });
    const client = new InstancesClient({ apiEndpoint: '127.0.0.1', port: Number(new URL(gcp.url).port), protocol: 'http', fallback: true } as never);
    const [inst] = await client.get({ project: 'p1', zone: 'us-west1-b', instance: 'vm-1' });
    assert.deepEqual(inst.tags?.items, ['web']);
    assert.deepEqual(inst.labels, { env: 'prod' });
    assert.deepEqual(inst.metadata?.items?.map((m) => [m.key, m.value]), [['role', 'db']]);
    await assert.rejects(client.get({ project: 'p1', zone: 'us-west1-b', instance: 'nope' }), /was not found/);
    await client.close();
  });
});
