import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { parseEjbcaConfig } from './index.js';
import { makeUA, startEjbca, type EjbcaTestEnv } from './harness.test-support.js';

const base = { hostname: 'ejbca.example.com', ca_name: 'CA', end_entity_profile_name: 'EEP', certificate_profile_name: 'CP' };

describe('ejbca: configuration', () => {
  it('names every missing option and refuses unknown ones', () => {
    assert.deepEqual(parseEjbcaConfig({ default_end_entity_name: 'cn' }, {}).problems, [
      'hostname is required',
      'ca_name is required',
      'end_entity_profile_name is required',
      'certificate_profile_name is required',
      'client_cert_path or EJBCA_CLIENT_CERT_PATH is required for mTLS authentication',
      'client_cert_key_path or EJBCA_CLIENT_CERT_KEY_PATH is required for mTLS authentication',
      'unknown option default_end_entity_name',
    ]);
    assert.deepEqual(parseEjbcaConfig({ ...base, hostname: 'h/x', client_cert_path: 'c', client_cert_key_path: 'k' }, {}).problems, [
      'hostname "h/x" is not a host name with an optional port',
    ]);
  });

  it('falls back to the EJBCA_* environment variables; plugin_data wins', () => {
    const env = { EJBCA_CLIENT_CERT_PATH: '/env/c.pem', EJBCA_CLIENT_CERT_KEY_PATH: '/env/k.pem', EJBCA_CA_CERT_PATH: '/env/ca.pem' };
    const fromEnv = parseEjbcaConfig(base, env).config!;
    assert.deepEqual([fromEnv.clientCertPath, fromEnv.clientCertKeyPath, fromEnv.caCertPath], ['/env/c.pem', '/env/k.pem', '/env/ca.pem']);
    const own = parseEjbcaConfig({ ...base, client_cert_path: '/c.pem', client_cert_key_path: '/k.pem', ca_cert_path: '/ca.pem' }, env).config!;
    assert.deepEqual([own.clientCertPath, own.clientCertKeyPath, own.caCertPath], ['/c.pem', '/k.pem', '/ca.pem']);
    assert.equal(fromEnv.baseUrl, 'https://ejbca.example.com');
    assert.equal(parseEjbcaConfig({ ...base, hostname: 'https://127.0.0.1:8443' }, env).config!.baseUrl, 'https://127.0.0.1:8443');
  });
});

describe('ejbca: loading the TLS files', () => {
  let env: EjbcaTestEnv;
  before(async () => {
    env = await startEjbca();
  });
  after(async () => env.close());

  it('names the file that cannot be read, and a key that is not the certificate’s', async () => {
    const missing = join(env.dir, 'missing.pem');
    await rejectsWith(makeUA({ ...env.data, client_cert_path: missing }), Code.INVALID_ARGUMENT, `failed to read client certificate from file: ENOENT: no such file or directory, open '${missing}'`);
    await rejectsWith(makeUA({ ...env.data, client_cert_key_path: missing }), Code.INVALID_ARGUMENT, `failed to read client key from file: ENOENT: no such file or directory, open '${missing}'`);
    await rejectsWith(makeUA({ ...env.data, ca_cert_path: missing }), Code.INVALID_ARGUMENT, `failed to read CA chain from file: ENOENT: no such file or directory, open '${missing}'`);
    writeFileSync(join(env.dir, 'junk.pem'), 'junk');
    await rejectsWith(makeUA({ ...env.data, ca_cert_path: join(env.dir, 'junk.pem') }), Code.INVALID_ARGUMENT, /^failed to parse CA chain: /);
    const other = await env.ejbca.adminCredentials();
    writeFileSync(join(env.dir, 'other-key.pem'), other.keyPem);
    await rejectsWith(makeUA({ ...env.data, client_cert_key_path: join(env.dir, 'other-key.pem') }), Code.INVALID_ARGUMENT, /^failed to load client certificate: .*key values mismatch/);
  });

  it('reads the paths from the environment when plugin_data leaves them out', async () => {
    const { client_cert_path, client_cert_key_path, ca_cert_path, ...rest } = env.data;
    const ua = await makeUA(rest, { env: { EJBCA_CLIENT_CERT_PATH: client_cert_path as string, EJBCA_CLIENT_CERT_KEY_PATH: client_cert_key_path as string, EJBCA_CA_CERT_PATH: ca_cert_path as string } });
    assert.ok(ua);
  });
});
