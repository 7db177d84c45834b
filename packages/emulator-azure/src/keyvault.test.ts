import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { AzureEmulator } from './emulator.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

describe('AzureEmulator: Key Vault keys through @azure/keyvault-keys', () => {
  let az: AzureEmulator;
  let credential: ClientSecretCredential;
  // The SDK checks that the challenge's resource is a parent domain of the vault host; a vault
  // reached at 127.0.0.1 has none, so these clients turn that one check off.
  const client = () => new KeyClient(az.keyVault.vaultUrl, credential, { disableChallengeResourceVerification: true });
  before(async () => {
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, 'app-1', 's3cret');
    az.keyVault.tenantId = TENANT;
    credential = new ClientSecretCredential(TENANT, 'app-1', 's3cret', { authorityHost: az.url, disableInstanceDiscovery: true });
  });
  after(async () => az.close());

  it('answers the first request with the bearer challenge, then serves the token the SDK fetched', async () => {
    const key = await client().createEcKey('ec-1', { curve: 'P-256', tags: { 'spire-server-td': 'example.org' } });
    assert.equal(key.keyType, 'EC');
    assert.equal(key.properties.tags?.['spire-server-td'], 'example.org');
    const first = az.calls('keyvault.create')[0]!;
    assert.equal(first.authorization, undefined);
    assert.match(az.calls('keyvault.create')[1]!.authorization!, /^Bearer /);
    assert.equal(az.entra.issued.at(-1)?.scope, 'https://vault.azure.net/.default');
  });

  it('with resource verification on, the SDK refuses a challenge for a 127.0.0.1 vault', async () => {
    const strict = new KeyClient(az.keyVault.vaultUrl, credential);
    await assert.rejects(strict.getKey('ec-1'), /does not match the requested domain/);
  });

  it('signs a digest: ES256 is raw r||s, RS256 and PS256 verify with node:crypto', async () => {
    const c = client();
    const msg = Buffer.from('hello');
    const digest = createHash('sha256').update(msg).digest();
    const ec = await c.getKey('ec-1');
    const ecSig = await new CryptographyClient(ec.id!, credential, { disableChallengeResourceVerification: true }).sign('ES256', digest);
    assert.equal(ecSig.result.length, 64);
    const ecPub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(ec.key!.x!).toString('base64url'), y: Buffer.from(ec.key!.y!).toString('base64url') }, format: 'jwk' });
    assert.ok(verify('sha256', msg, { key: ecPub, dsaEncoding: 'ieee-p1363' }, ecSig.result));
    const rsa = await c.createRsaKey('rsa-1', { keySize: 2048 });
    const rsaPub = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(rsa.key!.n!).toString('base64url'), e: Buffer.from(rsa.key!.e!).toString('base64url') }, format: 'jwk' });
    const crypto = new CryptographyClient(rsa.id!, credential, { disableChallengeResourceVerification: true });
    assert.ok(verify('sha256', msg, rsaPub, (await crypto.sign('RS256', digest)).result));
    const pss = (await crypto.sign('PS256', digest)).result;
    assert.ok(verify('sha256', msg, { key: rsaPub, padding: 6, saltLength: 32 }, pss));
    await assert.rejects(crypto.sign('ES256', digest), /not supported for key type RSA/);
  });

  it('lists keys page by page, updates properties (moving Updated) and deletes', async () => {
    az.keyVault.pageSize = 1;
    const names: string[] = [];
    for await (const p of client().listPropertiesOfKeys()) names.push(p.name);
    assert.deepEqual(names, ['ec-1', 'rsa-1']);
    assert.ok(az.calls('keyvault.list').length >= 2);
    az.clock = () => new Date('2040-01-01T00:00:00Z');
    const v = az.keyVault.current('ec-1')!;
    const updated = await client().updateKeyProperties('ec-1', v.version, { keyOps: ['sign', 'verify'], tags: { a: 'b' } });
    assert.equal(updated.properties.updatedOn?.toISOString(), '2040-01-01T00:00:00.000Z');
    assert.deepEqual(updated.properties.tags, { a: 'b' });
    await client().beginDeleteKey('rsa-1');
    assert.equal(az.keyVault.keys.has('rsa-1'), false);
    assert.ok(az.keyVault.deleted.has('rsa-1'));
    await assert.rejects(client().getKey('rsa-1'), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'KeyNotFound');
  });
});
