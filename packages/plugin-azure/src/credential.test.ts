import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';
import { AzureEmulator } from '@spire-ts/emulator-azure';
import { authoritySettings, azureCredential } from './credential.js';
import { armEndpoint, oidcIssuer, TEST_ENDPOINT_ENV } from './endpoints.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

describe('plugin-azure: credentials and endpoints', () => {
  let az: AzureEmulator;
  before(async () => {
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, 'app', 'pw');
  });
  after(async () => az.close());

  it('keeps instance discovery for Microsoft’s authority hosts and turns it off for others', () => {
    assert.deepEqual(authoritySettings({}), { authorityHost: 'https://login.microsoftonline.com', disableInstanceDiscovery: false });
    assert.equal(authoritySettings({ AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }).disableInstanceDiscovery, false);
    assert.equal(authoritySettings({ AZURE_AUTHORITY_HOST: 'https://login.chinacloudapi.cn' }).disableInstanceDiscovery, false);
    assert.equal(authoritySettings({ AZURE_AUTHORITY_HOST: 'https://adfs.azurestack.local' }).disableInstanceDiscovery, true);
  });

  it('gets a token from an emulated authority through the client-secret credential', async () => {
    const c = azureCredential({ tenantId: TENANT, clientId: 'app', clientSecret: 'pw', env: { AZURE_AUTHORITY_HOST: az.url } });
    assert.ok(c instanceof ClientSecretCredential);
    const t = await c.getToken('https://management.azure.com/.default');
    assert.ok(az.entra.isIssued(t.token));
  });

  it('uses the default chain without an application, and refuses half an application', () => {
    assert.ok(azureCredential({ tenantId: TENANT, env: {} }) instanceof DefaultAzureCredential);
    assert.throws(() => azureCredential({ tenantId: TENANT, clientId: 'app', env: {} }), /both the application ID and the application secret are required/);
  });

  it('reads a token file for the client assertion at each token request', async () => {
    const c = azureCredential({ tenantId: TENANT, clientId: 'app', assertionFile: '/nonexistent/token', env: { AZURE_AUTHORITY_HOST: az.url } });
    await assert.rejects(c.getToken('https://management.azure.com/.default'), /unable to read token file "\/nonexistent\/token"/);
  });

  it('points ARM and the OIDC issuer at the test endpoint only when it is set', () => {
    assert.equal(armEndpoint({}), 'https://management.azure.com');
    assert.equal(oidcIssuer({}), 'https://login.microsoftonline.com/common/');
    assert.equal(armEndpoint({ [TEST_ENDPOINT_ENV]: 'https://127.0.0.1:1/' }), 'https://127.0.0.1:1');
    assert.equal(oidcIssuer({ [TEST_ENDPOINT_ENV]: 'https://127.0.0.1:1' }), 'https://127.0.0.1:1/common/');
  });
});
