import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHashicorpVaultConfig } from './config.js';

const base = { vault_addr: 'https://vault:8200', token_auth: { token: 't' } };

describe('hashicorp_vault options', () => {
  it('needs exactly one key identifier', () => {
    assert.deepEqual(parseHashicorpVaultConfig(base, {}).problems, ["one of 'key_identifier_file' or 'key_identifier_value' must be provided"]);
    assert.deepEqual(parseHashicorpVaultConfig({ ...base, key_identifier_file: '/f', key_identifier_value: 'v' }, {}).problems, ["only one of 'key_identifier_file' or 'key_identifier_value' should be provided"]);
  });

  it('defaults transit_engine_path to transit; VAULT_TRANSIT_ENGINE_PATH wins when set', () => {
    assert.equal(parseHashicorpVaultConfig({ ...base, key_identifier_value: 'a' }, {}).config!.transitEnginePath, 'transit');
    assert.equal(parseHashicorpVaultConfig({ ...base, key_identifier_value: 'a', transit_engine_path: 'cfg' }, {}).config!.transitEnginePath, 'cfg');
    assert.equal(parseHashicorpVaultConfig({ ...base, key_identifier_value: 'a', transit_engine_path: 'cfg' }, { VAULT_TRANSIT_ENGINE_PATH: 'env' }).config!.transitEnginePath, 'env');
    assert.deepEqual(parseHashicorpVaultConfig({ ...base, key_identifier_value: 'a', pki_mount_point: 'x' }, {}).problems, ['unknown option pki_mount_point']);
  });
});
