import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AzureEmulator } from '@spire-ts/emulator-azure';
import { TEST_APP, startKeyManager, startVaultEmulator } from './test-support.js';

describe('azure_key_vault with the default Azure credential', () => {
  let az: AzureEmulator;
  const saved = { ...process.env };
  before(async () => {
    az = await startVaultEmulator();
    Object.assign(process.env, { AZURE_TENANT_ID: TEST_APP.tenantId, AZURE_CLIENT_ID: TEST_APP.appId, AZURE_CLIENT_SECRET: TEST_APP.appSecret });
  });
  after(async () => {
    for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) delete process.env[k];
    Object.assign(process.env, saved);
    await az.close();
  });

  it('without tenant_id/app_id/app_secret, the environment credential of the default chain is used', async () => {
    const km = await startKeyManager(az, { tenant_id: undefined, subscription_id: undefined, app_id: undefined, app_secret: undefined });
    await km.generateKey('k', 'ec-p256');
    assert.equal(az.entra.issued.at(-1)?.clientId, TEST_APP.appId);
    await km.close();
  });

});
