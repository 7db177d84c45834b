import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAzureKeyVaultConfig } from './config.js';

const base = { key_vault_uri: 'https://my-vault.vault.azure.net/', key_identifier_value: 'server-a' };
const problems = (raw: Record<string, unknown>) => parseAzureKeyVaultConfig(raw).problems;

describe('azure_key_vault config', () => {
  it('reads every option; the client secret only when given', () => {
    const secret = { tenant_id: 't', subscription_id: 's', app_id: 'a', app_secret: 'x' };
    assert.deepEqual(parseAzureKeyVaultConfig({ ...base, ...secret }).config, {
      keyVaultUri: 'https://my-vault.vault.azure.net/',
      keyIdentifierFile: '',
      keyIdentifierValue: 'server-a',
      clientSecret: { tenantId: 't', subscriptionId: 's', appId: 'a', appSecret: 'x' },
    });
    assert.equal(parseAzureKeyVaultConfig({ key_vault_uri: base.key_vault_uri, key_identifier_file: '/f' }).config?.clientSecret, undefined);
  });

  it('requires the vault URI and exactly one key identifier, collecting every problem', () => {
    assert.deepEqual(problems({}), ['configuration is missing the Key Vault URI', 'configuration requires a key identifier file or a key identifier value']);
    assert.deepEqual(problems({ ...base, key_identifier_file: 'f' }), ["configuration can't have a key identifier file and a key identifier value at the same time"]);
    assert.deepEqual(problems({ ...base, key_identifier_value: 'v'.repeat(257) }), ['Key identifier must not be longer than 256 characters']);
    assert.deepEqual(problems({ ...base, key_vault_uri: 'not a url' }), ['could not parse key_vault_uri: "not a url" is not a URL']);
  });

  it('a partial client secret names every missing field', () => {
    assert.deepEqual(problems({ ...base, app_secret: 'x' }), [
      'invalid configuration, missing tenant id',
      'invalid configuration, missing subscription id',
      'invalid configuration, missing application id',
    ]);
    assert.deepEqual(problems({ ...base, tenant_id: 't', subscription_id: 's', app_id: 'a' }), ['invalid configuration, missing app secret']);
  });

  it('refuses unknown options and values of the wrong type', () => {
    assert.deepEqual(problems({ ...base, key_tags: {} }), ['unknown option key_tags']);
    assert.deepEqual(problems({ ...base, key_vault_uri: 5 }), ['key_vault_uri must be a string', 'configuration is missing the Key Vault URI']);
  });
});
