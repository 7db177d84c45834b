import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBase } from './test-support.js';

const addr = { vault_addr: 'https://vault.example:8200' };

describe('Vault shared options', () => {
  it('takes exactly one auth method, with SPIRE messages', () => {
    assert.deepEqual(parseBase(addr).problems, ["must be configured one of these authentication method 'Token, Client Certificate, AppRole or Kubernetes"]);
    assert.deepEqual(parseBase({ ...addr, token_auth: {}, approle_auth: {} }).problems, ['only one authentication method can be configured']);
    assert.deepEqual(parseBase({ ...addr, k8s_auth: {} }).problems, ['k8s_auth_role_name is required', 'token_path is required']);
    assert.deepEqual(parseBase({ ...addr, cert_auth: { client_cert_path: '/c.pem' } }).problems, ['both client cert and client key are required']);
    assert.deepEqual(parseBase({ token_auth: {} }).problems, ['vault_addr is required (or set VAULT_ADDR)']);
    assert.deepEqual(parseBase({ vault_addr: 'vault:8200', token_auth: {} }).problems, ['vault_addr "vault:8200" is not an http(s) URL']);
    assert.deepEqual(parseBase({ ...addr, token_auth: { token: 't', tokn: 'x' } }).problems, ['unknown option token_auth.tokn']);
  });

  it('fills the default mount points', () => {
    assert.deepEqual(parseBase({ ...addr, approle_auth: { approle_id: 'r', approle_secret_id: 's' } }).config!.auth, { method: 'approle', mount: 'approle', roleId: 'r', secretId: 's' });
    assert.equal((parseBase({ ...addr, cert_auth: {} }).config!.auth as { mount: string }).mount, 'cert');
    assert.equal((parseBase({ ...addr, k8s_auth: { k8s_auth_role_name: 'r', token_path: '/t' } }).config!.auth as { mount: string }).mount, 'kubernetes');
  });

  it('lets a set environment variable override plugin_data, as SPIRE does (an empty value included)', () => {
    const env = { VAULT_ADDR: 'https://from-env:8200', VAULT_NAMESPACE: 'ns-env', VAULT_CACERT: '/env-ca.pem', VAULT_TOKEN: 'env-token' };
    const c = parseBase({ vault_addr: 'https://from-config:8200', namespace: 'ns-config', ca_cert_path: '/config-ca.pem', token_auth: { token: 'config-token' } }, env).config!;
    assert.deepEqual(c, { vaultAddr: 'https://from-env:8200', namespace: 'ns-env', caCertPath: '/env-ca.pem', insecureSkipVerify: false, auth: { method: 'token', token: 'env-token' }, maxRetries: 2 });
    assert.deepEqual(parseBase({ ...addr, token_auth: {} }, { VAULT_TOKEN: 'only-env' }).config!.auth, { method: 'token', token: 'only-env' });
    assert.deepEqual(parseBase({ ...addr, token_auth: { token: 'config' } }, { VAULT_TOKEN: '' }).config!.auth, { method: 'token', token: '' });
    const approle = parseBase({ ...addr, approle_auth: { approle_id: 'c', approle_secret_id: 'c' } }, { VAULT_APPROLE_ID: 'e', VAULT_APPROLE_SECRET_ID: 'es' }).config!.auth;
    assert.deepEqual(approle, { method: 'approle', mount: 'approle', roleId: 'e', secretId: 'es' });
    const cert = parseBase({ ...addr, cert_auth: {} }, { VAULT_CLIENT_CERT: '/e.pem', VAULT_CLIENT_KEY: '/e.key' }).config!.auth;
    assert.deepEqual(cert, { method: 'cert', mount: 'cert', roleName: '', clientCertPath: '/e.pem', clientKeyPath: '/e.key' });
  });

  it('takes the number of retries from VAULT_MAX_RETRIES, as Go\'s Vault client does (default 2)', () => {
    const base = { ...addr, token_auth: { token: 't' } };
    assert.equal(parseBase(base).config!.maxRetries, 2);
    assert.equal(parseBase(base, { VAULT_MAX_RETRIES: '0' }).config!.maxRetries, 0);
    assert.equal(parseBase(base, { VAULT_MAX_RETRIES: ' 5 ' }).config!.maxRetries, 5);
    assert.deepEqual(parseBase(base, { VAULT_MAX_RETRIES: 'many' }).problems, ['VAULT_MAX_RETRIES "many" is not a whole number of retries']);
    assert.deepEqual(parseBase(base, { VAULT_MAX_RETRIES: '-1' }).problems, ['VAULT_MAX_RETRIES "-1" is not a whole number of retries']);
  });
});
