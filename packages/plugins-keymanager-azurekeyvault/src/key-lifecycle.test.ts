import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { AzureEmulator } from '@spire-ts/emulator-azure';
import { startKeyManager, startVaultEmulator } from './test-support.js';

const digest = createHash('sha256').update('data').digest();
const keyNames = (az: AzureEmulator) => [...az.keyVault.keys.keys()].sort();

describe('azure_key_vault against the emulator: keys, discovery, rotation', () => {
  let az: AzureEmulator;
  let dir: string;
  before(async () => {
    az = await startVaultEmulator();
    dir = await mkdtemp(join(tmpdir(), 'km-azurekv-'));
  });
  after(async () => {
    await az.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates spire-key-<uuid>-<key id> tagged with the trust domain and server ID', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-tags' });
    const pk = await km.generateKey('x509-CA-A', 'ec-p256');
    const name = keyNames(az).find((n) => n.endsWith('-x509-CA-A'))!;
    assert.match(name, /^spire-key-[0-9a-f-]{36}-x509-CA-A$/);
    const v = az.keyVault.current(name)!;
    assert.deepEqual(v.tags, { 'spire-server-td': 'example.org', 'spire-server-id': 'server-tags' });
    assert.deepEqual(v.keyOps, ['sign', 'verify']);
    const vaultPub = createPublicKey({ key: v.material.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    assert.deepEqual(Buffer.from(pk.pkixData), vaultPub);
    await km.close();
  });

  it('a restarted server finds its own keys only (server ID and trust domain)', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-restart' });
    const pk = await km.generateKey('JWT-Signer-A', 'rsa-2048');
    await km.close();
    const again = await startKeyManager(az, { key_identifier_value: 'server-restart' });
    assert.deepEqual(await again.getPublicKey('JWT-Signer-A'), pk);
    await again.close();
    const other = await startKeyManager(az, { key_identifier_value: 'server-other' });
    assert.deepEqual(await other.getPublicKeys(), []);
    await other.close();
    const otherTd = await startKeyManager(az, { key_identifier_value: 'server-restart' }, { trustDomain: 'other.org' });
    assert.deepEqual(await otherTd.getPublicKeys(), []);
    await otherTd.close();
  });

  it('skips a tagged key whose name holds no SPIRE key ID', async () => {
    await az.keyVault.seedKey('short-name', 'ec-p256', { 'spire-server-td': 'example.org', 'spire-server-id': 'server-short' });
    const km = await startKeyManager(az, { key_identifier_value: 'server-short' });
    assert.deepEqual(await km.getPublicKeys(), []);
    await km.close();
  });

  it('a disabled key of this server fails configure with FAILED_PRECONDITION', async () => {
    const v = await az.keyVault.seedKey('spire-key-00000000-0000-4000-8000-000000000000-x509-CA-B', 'ec-p256', {
      'spire-server-td': 'example.org',
      'spire-server-id': 'server-disabled',
    });
    v.enabled = false;
    const kid = az.keyVault.kid('spire-key-00000000-0000-4000-8000-000000000000-x509-CA-B', v.version);
    await rejectsWith(
      startKeyManager(az, { key_identifier_value: 'server-disabled' }),
      Code.FAILED_PRECONDITION,
      `failed to fetch key entry details: found disabled SPIRE key: "${kid}", name: "spire-key-00000000-0000-4000-8000-000000000000-x509-CA-B"`,
    );
  });

  it('rotation creates a new key and deletes the replaced one from the vault', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-rotate' });
    const first = await km.generateKey('x509-CA-A', 'ec-p384');
    const before = keyNames(az).filter((n) => az.keyVault.current(n)!.tags['spire-server-id'] === 'server-rotate');
    const second = await km.generateKey('x509-CA-A', 'ec-p384');
    assert.notEqual(first.fingerprint, second.fingerprint);
    await km.deleteQueue.whenIdle();
    const afterNames = keyNames(az).filter((n) => az.keyVault.current(n)!.tags['spire-server-id'] === 'server-rotate');
    assert.equal(afterNames.length, 1);
    assert.notEqual(afterNames[0], before[0]);
    assert.ok(az.keyVault.deleted.has(before[0]!));
    await km.close();
  });

  it('signs concurrently; ECDSA signatures come back as DER', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-sign' });
    const ec = await km.generateKey('ec', 'ec-p256');
    const rsa = await km.generateKey('rsa', 'rsa-2048');
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => km.signData(i % 2 ? 'ec' : 'rsa', digest, i % 4 === 2 ? { pss: { saltLength: -1, hashAlgorithm: 'SHA256' } } : { hashAlgorithm: 'SHA256' })),
    );
    results.forEach((r, i) => {
      const pk = i % 2 ? ec : rsa;
      const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
      const key = i % 4 === 2 ? { key: pub, padding: 6, saltLength: 32 } : pub;
      assert.ok(verify('sha256', Buffer.from('data'), key, r.signature), `signature ${i}`);
      assert.equal(r.keyFingerprint, pk.fingerprint);
    });
    assert.equal(results[1]!.signature[0], 0x30);
    await km.close();
  });

  it('a key disabled in the vault after start fails signing with the vault\'s error', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-off' });
    await km.generateKey('k', 'ec-p256');
    const name = keyNames(az).find((n) => az.keyVault.current(n)!.tags['spire-server-id'] === 'server-off')!;
    az.keyVault.current(name)!.enabled = false;
    await rejectsWith(km.signData('k', digest, { hashAlgorithm: 'SHA256' }), Code.INTERNAL, 'failed to sign: Forbidden: Operation sign is not allowed on a disabled key.');
    await km.close();
  });

  it('a vault that is down or slow gives UNAVAILABLE within the call timeout', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-down' }, { callTimeoutMs: 800 });
    await km.generateKey('k', 'ec-p256');
    az.setLatencyMs(5_000);
    const t0 = Date.now();
    await rejectsWith(km.signData('k', digest, { hashAlgorithm: 'SHA256' }), Code.UNAVAILABLE, /^failed to sign: /);
    await rejectsWith(km.generateKey('k2', 'ec-p256'), Code.UNAVAILABLE, /^failed to create key: /);
    assert.ok(Date.now() - t0 < 4_000);
    az.setLatencyMs(0);
    az.setUnavailable(true);
    await rejectsWith(km.signData('k', digest, { hashAlgorithm: 'SHA256' }), Code.UNAVAILABLE, /^failed to sign: /);
    az.setUnavailable(false);
    await km.close();
  });

  it('key_identifier_file: created with a new UUID, read back; a file without a UUID is INTERNAL', async () => {
    const file = join(dir, 'server-id');
    const km = await startKeyManager(az, { key_identifier_value: '', key_identifier_file: file });
    await km.generateKey('a', 'ec-p256');
    await km.close();
    const id = await readFile(file, 'utf8');
    assert.match(id, /^[0-9a-f-]{36}$/);
    const again = await startKeyManager(az, { key_identifier_value: '', key_identifier_file: file });
    assert.equal((await again.getPublicKeys()).length, 1);
    await again.close();
    const bad = join(dir, 'bad-id');
    await writeFile(bad, 'nope');
    await rejectsWith(
      startKeyManager(az, { key_identifier_value: '', key_identifier_file: bad }),
      Code.INTERNAL,
      'failed to parse server ID from path: uuid: incorrect UUID format in string "nope"',
    );
  });

  it('a wrong application secret fails configure while listing keys', async () => {
    await rejectsWith(startKeyManager(az, { key_identifier_value: 'server-x', app_secret: 'wrong' }), Code.INTERNAL, /^failed while listing keys: .*invalid_client/);
  });
});
