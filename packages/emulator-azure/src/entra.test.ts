import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { AzureEmulator } from './emulator.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

describe('AzureEmulator: Entra ID client credentials through @azure/identity', () => {
  let az: AzureEmulator;
  before(async () => {
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, 'app-1', 's3cret');
  });
  after(async () => az.close());

  // An authority host that is not one of Microsoft's needs instance discovery off (MSAL otherwise
  // asks login.microsoftonline.com whether to trust it), as for Azure Stack.
  const credential = (secret: string) => new ClientSecretCredential(TENANT, 'app-1', secret, { authorityHost: az.url, disableInstanceDiscovery: true });

  it('grants a token to a registered application, and records it', async () => {
    const t = await credential('s3cret').getToken('https://management.azure.com/.default');
    assert.ok(az.entra.isIssued(t.token));
    assert.equal(az.entra.issued.at(-1)?.scope, 'https://management.azure.com/.default');
    az.checkBearer(`Bearer ${t.token}`);
  });

  it('refuses a wrong secret with AAD\'s invalid_client', async () => {
    await assert.rejects(credential('wrong').getToken('https://management.azure.com/.default'), /invalid_client|AADSTS7000215/);
  });
});
