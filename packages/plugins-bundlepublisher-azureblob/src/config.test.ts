import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAzureBlobConfig } from './config.js';

const base = { storage_account_name: 'acct', container_name: 'c', blob_name: 'b', format: 'spiffe' };
const problems = (raw: Record<string, unknown>) => parseAzureBlobConfig(raw).problems;

describe('azure_blob config', () => {
  it('builds the account URL from the name and the endpoint (default blob.core.windows.net)', () => {
    assert.equal(parseAzureBlobConfig(base).config?.accountUrl, 'https://acct.blob.core.windows.net');
    assert.equal(parseAzureBlobConfig({ ...base, service_endpoint: 'blob.core.chinacloudapi.cn' }).config?.accountUrl, 'https://acct.blob.core.chinacloudapi.cn');
  });

  it('reads the credentials and the refresh hint', () => {
    const c = parseAzureBlobConfig({ ...base, tenant_id: 't', app_id: 'a', app_secret: 's', refresh_hint: '10m', format: 'PEM' }).config!;
    assert.deepEqual(c.clientSecret, { tenantId: 't', appId: 'a', appSecret: 's' });
    assert.equal(c.refreshHintSeconds, 600);
    assert.equal(c.format, 'pem');
    assert.equal(parseAzureBlobConfig({ ...base, storage_account_key: 'a2V5' }).config?.storageAccountKey, 'a2V5');
  });

  it('requires name, container, blob and format, collecting every problem', () => {
    assert.deepEqual(problems({}), [
      'configuration is missing the storage account name',
      'configuration is missing the container name',
      'configuration is missing the blob name',
      'configuration is missing the bundle format',
      'could not parse bundle format from configuration: unknown bundle format: ""',
    ]);
    assert.deepEqual(problems({ ...base, format: 'der' }), ['could not parse bundle format from configuration: unknown bundle format: "der"']);
  });

  it('the account key excludes the client secret, whose three fields go together', () => {
    assert.deepEqual(problems({ ...base, storage_account_key: 'k', app_id: 'a' }), ['storage account key and client secret credentials are mutually exclusive']);
    assert.deepEqual(problems({ ...base, app_secret: 's' }), ['configuration is missing the tenant ID', 'configuration is missing the app ID']);
    assert.deepEqual(problems({ ...base, tenant_id: 't', app_id: 'a' }), ['configuration is missing the app secret']);
  });

  it('refuses a bad endpoint, a bad refresh hint and unknown options', () => {
    assert.deepEqual(problems({ ...base, service_endpoint: 'bad host:port' }), ['could not parse service endpoint url: parse "https://acct.bad host:port": invalid URL']);
    assert.match(problems({ ...base, refresh_hint: 'soon' })[0]!, /^could not parse refresh_hint: /);
    assert.deepEqual(problems({ ...base, bucket: 'x' }), ['unknown option bucket']);
  });
});
