import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVaultUaConfig } from './config.js';

describe('vault options', () => {
  it('defaults pki_mount_point to pki and refuses unknown options', () => {
    const ok = parseVaultUaConfig({ vault_addr: 'https://vault:8200', token_auth: { token: 't' } }, {});
    assert.equal(ok.config!.pkiMountPoint, 'pki');
    assert.equal(parseVaultUaConfig({ vault_addr: 'https://vault:8200', pki_mount_point: 'pki-int', token_auth: {} }, {}).config!.pkiMountPoint, 'pki-int');
    assert.deepEqual(parseVaultUaConfig({ vault_addr: 'https://vault:8200', token_auth: {}, approle_auth: {}, pki_mount: 'x' }, {}).problems, ['only one authentication method can be configured', 'unknown option pki_mount']);
  });

  it('takes VAULT_ADDR and VAULT_TOKEN from the environment when they are set', () => {
    const c = parseVaultUaConfig({ token_auth: {} }, { VAULT_ADDR: 'https://env:8200', VAULT_TOKEN: 'tok' }).config!;
    assert.equal(c.vaultAddr, 'https://env:8200');
    assert.deepEqual(c.auth, { method: 'token', token: 'tok' });
  });
});
