import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { swtpmSkipReason } from '../testing/swtpm.js';
import { activateInSoftware, splitCredentialFile } from './activate-credential.test-support.js';
import { makeCredential } from './make-credential.js';
import { TpmAlg } from './tpm-alg.js';
import { EK_ATTRIBUTES, rsaKeys, rsaPublic, tpm2b } from './tpm-builders.test-support.js';
import { decodePublic } from './tpm-public.js';

const SHA256 = { name: 'sha256', size: 32 };
const akName = Buffer.concat([Buffer.from('000b', 'hex'), createHash('sha256').update('an AK public area').digest()]);

function softwareEk() {
  const keys = rsaKeys();
  const raw = rsaPublic(keys.publicKey, { attributes: EK_ATTRIBUTES, aes: true });
  return { ...keys, raw, ek: decodePublic(raw) };
}

describe('MakeCredential', () => {
  it('makes a blob only the EK can open, bound to the object name', () => {
    const { privateKey, ek } = softwareEk();
    const nonce = randomBytes(32);
    const made = makeCredential(ek, akName, nonce);
    assert.equal(made.credential.length, 2 + 32 + 2 + 32, 'TPM2B HMAC + encrypted TPM2B nonce');
    assert.equal(made.secret.length, 256);
    assert.ok(activateInSoftware(privateKey, SHA256, 128, akName, made.credential, made.secret).equals(nonce));
    const otherName = Buffer.from(akName);
    otherName.writeUInt8(otherName.readUInt8(5) ^ 1, 5);
    assert.throws(() => activateInSoftware(privateKey, SHA256, 128, otherName, made.credential, made.secret), { message: 'integrity check failed' });
  });

  it('is deterministic for a given seed except for OAEP, and uses the whole seed', () => {
    const { privateKey, ek } = softwareEk();
    const seed = Buffer.alloc(32, 9);
    const a = makeCredential(ek, akName, Buffer.alloc(32, 1), () => seed);
    const b = makeCredential(ek, akName, Buffer.alloc(32, 1), () => seed);
    assert.ok(a.credential.equals(b.credential));
    assert.ok(!a.secret.equals(b.secret), 'OAEP is randomized');
    assert.ok(activateInSoftware(privateKey, SHA256, 128, akName, b.credential, a.secret).equals(Buffer.alloc(32, 1)));
  });

  it('refuses an EK without AES-CFB, a non-RSA EK and an oversize credential', () => {
    const keys = rsaKeys();
    const noSym = decodePublic(rsaPublic(keys.publicKey, { attributes: EK_ATTRIBUTES }));
    assert.throws(() => makeCredential(noSym, akName, randomBytes(32)), {
      message: 'unsupported algorithm: the endorsement key has no AES-CFB symmetric definition',
    });
    assert.throws(() => makeCredential({ ...softwareEk().ek, type: TpmAlg.ECC }, akName, randomBytes(32)), {
      message: 'unsupported algorithm: the endorsement key is not an RSA key',
    });
    assert.throws(() => makeCredential(softwareEk().ek, akName, randomBytes(33)), { message: 'credential of 33 bytes is longer than the 32-byte digest' });
  });

  it('opens what `tpm2_makecredential -T none` makes, with the same layout', (t) => {
    const skip = swtpmSkipReason();
    if (skip) {
      t.skip(skip);
      return;
    }
    const { privateKey, raw, ek } = softwareEk();
    const dir = mkdtempSync(join(tmpdir(), 'makecred-'));
    try {
      const nonce = randomBytes(32);
      writeFileSync(join(dir, 'ek.pub'), tpm2b(raw));
      writeFileSync(join(dir, 'nonce.bin'), nonce);
      execFileSync('tpm2_makecredential', ['-T', 'none', '-u', 'ek.pub', '-s', 'nonce.bin', '-n', akName.toString('hex'), '-o', 'ref.blob'], { cwd: dir, stdio: 'pipe' });
      const file = readFileSync(join(dir, 'ref.blob'));
      const ref = splitCredentialFile(file);
      assert.equal(file.length, 336);
      assert.ok(activateInSoftware(privateKey, SHA256, 128, akName, ref.credential, ref.secret).equals(nonce));
      const ours = makeCredential(ek, akName, nonce);
      assert.equal(ours.credential.length, ref.credential.length);
      assert.equal(ours.secret.length, ref.secret.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
