import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, readdir, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { Code, hasWorkerKeys, silentLogger, SpireError, TrustDomain, type KeyManager } from '@spire-ts/core/plugin';
import { diskKeyManager } from './index.js';
import { diskContractSetup } from './contract-harness.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'km-disk-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function core(dataDir: string) {
  return { trustDomain: TrustDomain.parse('example.org'), dataDir };
}

async function make(keysPath: string, dataDir = '/tmp'): Promise<KeyManager> {
  const parsed = diskKeyManager.parseConfig({ keys_path: keysPath }, core(dataDir));
  assert.deepEqual(parsed.problems, []);
  return diskKeyManager.create({ config: parsed.config!, log: silentLogger(), ...core(dataDir), host: {} });
}

runKeyManagerContract('disk', diskContractSetup('in-process'));

describe('disk KeyManager config', () => {
  it('requires keys_path and names unknown options', () => {
    assert.deepEqual(diskKeyManager.parseConfig({ bogus: 1 }, core('/data')).problems, [
      'keys_path is required',
      'unknown option bogus',
    ]);
    assert.deepEqual(diskKeyManager.parseConfig({ keys_path: 7 }, core('/data')).problems, ['keys_path must be a string']);
  });

  it('keeps a relative keys_path as given (relative to the working directory, as SPIRE)', () => {
    assert.equal(diskKeyManager.parseConfig({ keys_path: 'keys.json' }, core('/data')).config?.keysPath, 'keys.json');
  });
});

describe('disk KeyManager persistence', () => {
  it('keeps keys across a restart, with mode 0600, in SPIRE JSON format', async () => {
    const path = join(await tempDir(), 'keys.json');
    const a = await make(path);
    const pk = await a.generateKey('x509-CA-A', 'ec-p256');
    const rsa = await a.generateKey('JWT-Signer-A', 'rsa-2048');
    await a.close?.();

    const st = await stat(path);
    assert.equal(st.mode & 0o777, 0o600);
    const json = JSON.parse(await readFile(path, 'utf8')) as { keys: Record<string, string> };
    assert.deepEqual(Object.keys(json.keys).sort(), ['JWT-Signer-A', 'x509-CA-A']);

    const b = await make(path);
    const again = await b.getPublicKey('x509-CA-A');
    assert.deepEqual(Buffer.from(again.pkixData), Buffer.from(pk.pkixData));
    assert.equal((await b.getPublicKey('JWT-Signer-A')).fingerprint, rsa.fingerprint);
    // The reloaded private key still signs for the same public key.
    const msg = Buffer.from('after restart');
    const { signature } = await b.signData('x509-CA-A', createHash('sha256').update(msg).digest(), { hashAlgorithm: 'SHA256' });
    const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
    assert.equal(verify('sha256', msg, pub, signature), true);
    assert.equal(hasWorkerKeys(b), true);
  });

  it('leaves no temporary file behind', async () => {
    const dir = await tempDir();
    const km = await make(join(dir, 'keys.json'));
    await km.generateKey('a', 'ec-p256');
    await km.generateKey('b', 'ec-p384');
    assert.deepEqual(await readdir(dir), ['keys.json']);
  });

  it('loses nothing when the write fails: the old key stays', async () => {
    const dir = await tempDir();
    const path = join(dir, 'keys.json');
    const km = await make(path);
    const first = await km.generateKey('a', 'ec-p256');
    // Put a non-empty directory where the keys file is, so the rename fails (chmod would not
    // stop root, who runs these tests in CI containers).
    const saved = await readFile(path);
    await rm(path);
    await mkdir(join(path, 'blocker'), { recursive: true });
    try {
      await assert.rejects(km.generateKey('a', 'ec-p256'), (err: unknown) => {
        assert.ok(err instanceof SpireError);
        assert.equal(err.code, Code.INTERNAL);
        assert.match(err.message, /^unable to write entries to ".*keys\.json": /);
        return true;
      });
    } finally {
      await rm(path, { recursive: true });
      await writeFile(path, saved, { mode: 0o600 });
    }
    assert.deepEqual(await readdir(dir), ['keys.json'], 'the temporary file is removed');
    assert.equal((await km.getPublicKey('a')).fingerprint, first.fingerprint);
    const reloaded = await make(path);
    assert.equal((await reloaded.getPublicKey('a')).fingerprint, first.fingerprint);
  });

  it('fails to start on a corrupt keys file, naming the file', async () => {
    const path = join(await tempDir(), 'keys.json');
    await writeFile(path, '{not json');
    await assert.rejects(make(path), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.INTERNAL);
      assert.match(err.message, /^unable to decode keys JSON in ".*keys\.json": /);
      return true;
    });
    await writeFile(path, JSON.stringify({ keys: { k: Buffer.from('garbage').toString('base64') } }));
    await assert.rejects(make(path), /unable to parse key "k"/);
  });
});
