import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { HttpEmulator, HttpError } from './http-emulator.js';
import { TEST_CA_CERT_PATH, testServingIdentity } from './test-ca.js';

const routes = [
  { method: 'GET', path: '/v1/projects/{project}/zones/{zone}/instances/{name}', name: 'instances.get', handler: (r: { params: Record<string, string> }) => ({ json: r.params }) },
  { method: 'POST', path: '/v1/{key*}:asymmetricSign', name: 'sign', handler: (r: { params: Record<string, string> }) => ({ json: { key: r.params.key } }) },
  { method: 'GET', path: '/missing', name: 'missing', handler: () => { throw new HttpError(404, { error: { code: 404, message: 'not found' } }); } },
];

describe('HttpEmulator', () => {
  it('matches segment and rest parameters, records requests, and answers thrown HttpErrors', async () => {
    const e = await HttpEmulator.start({ routes });
    try {
      assert.deepEqual(await (await fetch(`${e.url}/v1/projects/p1/zones/z-a/instances/vm%201`)).json(), { project: 'p1', zone: 'z-a', name: 'vm 1' });
      assert.deepEqual(await (await fetch(`${e.url}/v1/projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1:asymmetricSign`, { method: 'POST' })).json(), {
        key: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
      });
      const missing = await fetch(`${e.url}/missing`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { error: { code: 404, message: 'not found' } });
      assert.equal((await fetch(`${e.url}/nowhere`)).status, 404);
      assert.deepEqual(e.requests.map((r) => r.route), ['instances.get', 'sign', 'missing', '']);
    } finally {
      await e.close();
    }
  });

  it('fails a route on demand, and answers 503 while unavailable', async () => {
    const e = await HttpEmulator.start({ routes });
    try {
      e.fail('instances.get', 429, { error: 'slow down' }, 1);
      const url = `${e.url}/v1/projects/p/zones/z/instances/i`;
      assert.equal((await fetch(url)).status, 429);
      assert.equal((await fetch(url)).status, 200);
      e.setUnavailable(true);
      assert.equal((await fetch(url)).status, 503);
      assert.equal(e.calls('instances.get').length, 3);
    } finally {
      await e.close();
    }
  });

  it('serves HTTPS that a process trusting the fixed test CA accepts', async () => {
    const e = await HttpEmulator.start({ routes, tls: await testServingIdentity() });
    try {
      const script = `fetch(${JSON.stringify(`${e.url}/v1/projects/p/zones/z/instances/i`)}).then(r => r.json()).then(j => console.log(j.name))`;
      const out = await new Promise<string>((res, rej) =>
        execFile(process.execPath, ['-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: TEST_CA_CERT_PATH } }, (err, stdout, stderr) => (err ? rej(new Error(stderr)) : res(stdout))),
      );
      assert.equal(out.trim(), 'i');
    } finally {
      await e.close();
    }
  });
});
