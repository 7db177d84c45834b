import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { Code, SpireError } from '../../errors.js';
import type { HashAlgorithm, KeyManager, KeyType } from './contract.js';

const NODE_HASH: Partial<Record<HashAlgorithm, string>> = {
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
};

async function rejectsWithCode(p: Promise<unknown>, code: Code, message?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SpireError || typeof (err as { code?: unknown }).code === 'number', `not a coded error: ${String(err)}`);
    assert.equal((err as { code: number }).code, code, `code of ${(err as Error).message}`);
    if (message !== undefined) assert.equal((err as Error).message, message);
    return true;
  });
}

/**
 * What a KeyManager's keys can do beyond what SPIRE's CA asks of them (SHA-256 or SHA-384 by the
 * key's type, PKCS#1 v1.5 for RSA). A cloud whose key has one fixed algorithm (Cloud KMS) narrows
 * these; the cases it cannot serve are then reported as skipped, with the reason.
 */
export interface KeyManagerCapabilities {
  /** Hashes RSA keys sign (default SHA256 and SHA384). */
  rsaHashes?: readonly ('SHA256' | 'SHA384')[];
  /** Whether RSA keys sign RSA-PSS (default true). */
  rsaPss?: boolean;
}

/**
 * Registers the KeyManager contract tests (node:test) for one implementation. Every KeyManager
 * runs it: the built-ins, an external one served over gRPC and the fakes. `setup` is called once
 * before the tests and must return a KeyManager with no keys; `close` is called once after.
 *
 * What it checks: generating each key type; get one/all public keys; replacement on re-generate;
 * signatures (ECDSA, RSA PKCS#1 v1.5 and RSA-PSS, over a digest) verified by node:crypto with the
 * returned public key; NOT_FOUND for unknown keys; INVALID_ARGUMENT for missing IDs/unknown types.
 */
export function runKeyManagerContract(
  name: string,
  setup: () => Promise<{ km: KeyManager; close(): Promise<void> }>,
  caps: KeyManagerCapabilities = {},
): void {
  const rsaHashes = caps.rsaHashes ?? ['SHA256', 'SHA384'];
  describe(`KeyManager contract: ${name}`, () => {
    let km: KeyManager;
    let close: () => Promise<void>;

    before(async () => {
      const s = await setup();
      km = s.km;
      close = s.close;
    });
    after(async () => {
      await close?.();
    });

    it('starts with no keys', async () => {
      assert.deepEqual(await km.getPublicKeys(), []);
    });

    const types: KeyType[] = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-4096'];
    for (const type of types) {
      it(`generates a ${type} key whose public key matches its type`, async () => {
        const pk = await km.generateKey(`key-${type}`, type);
        assert.equal(pk.id, `key-${type}`);
        assert.equal(pk.type, type);
        const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
        if (type.startsWith('ec')) {
          assert.equal(pub.asymmetricKeyType, 'ec');
          assert.equal(pub.asymmetricKeyDetails?.namedCurve, type === 'ec-p256' ? 'prime256v1' : 'secp384r1');
        } else {
          assert.equal(pub.asymmetricKeyType, 'rsa');
          assert.equal(pub.asymmetricKeyDetails?.modulusLength, type === 'rsa-2048' ? 2048 : 4096);
        }
        assert.equal(pk.fingerprint, createHash('sha256').update(pk.pkixData).digest('hex'));
        const again = await km.getPublicKey(pk.id);
        assert.deepEqual(Buffer.from(again.pkixData), Buffer.from(pk.pkixData));
        assert.equal(again.type, type);
      });
    }

    it('lists every key', async () => {
      const ids = (await km.getPublicKeys()).map((k) => k.id).sort();
      assert.deepEqual(ids, types.map((t) => `key-${t}`).sort());
    });

    it('replaces a key when it is generated again under the same ID', async () => {
      const before = await km.getPublicKey('key-ec-p256');
      const after = await km.generateKey('key-ec-p256', 'ec-p256');
      assert.notDeepEqual(Buffer.from(after.pkixData), Buffer.from(before.pkixData));
      assert.deepEqual(Buffer.from((await km.getPublicKey('key-ec-p256')).pkixData), Buffer.from(after.pkixData));
      assert.equal((await km.getPublicKeys()).length, types.length);
    });

    it('can change the type of a key ID', async () => {
      const pk = await km.generateKey('switch', 'ec-p256');
      assert.equal(pk.type, 'ec-p256');
      const pk2 = await km.generateKey('switch', 'rsa-2048');
      assert.equal(pk2.type, 'rsa-2048');
      assert.equal((await km.getPublicKey('switch')).type, 'rsa-2048');
    });

    const message = new TextEncoder().encode('the data a CA signs');
    for (const type of types) {
      for (const hash of ['SHA256', 'SHA384'] as const) {
        const unsupported = type.startsWith('rsa') && !rsaHashes.includes(hash) && `this KeyManager's ${type} keys sign ${rsaHashes.join('/')} only`;
        it(`signs a ${hash} digest with ${type}; node:crypto verifies it`, { skip: unsupported }, async () => {
          const pk = await km.getPublicKey(`key-${type}`);
          const digest = createHash(NODE_HASH[hash]!).update(message).digest();
          const { signature, keyFingerprint } = await km.signData(pk.id, digest, { hashAlgorithm: hash });
          assert.equal(keyFingerprint, pk.fingerprint);
          const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
          assert.equal(verify(NODE_HASH[hash]!, message, pub, signature), true);
          // Same signature must not verify over other data.
          assert.equal(verify(NODE_HASH[hash]!, Buffer.from('other'), pub, signature), false);
        });
      }
    }

    it('signs RSA-PSS with the requested salt length; node:crypto verifies it', { skip: caps.rsaPss === false && 'this KeyManager\'s RSA keys sign PKCS#1 v1.5 only' }, async () => {
      const pk = await km.getPublicKey('key-rsa-2048');
      const digest = createHash('sha256').update(message).digest();
      const { signature } = await km.signData(pk.id, digest, { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } });
      const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
      assert.equal(
        verify('sha256', message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature),
        true,
      );
      assert.equal(verify('sha256', message, pub, signature), false, 'a PSS signature is not PKCS#1 v1.5');
    });

    it('rejects an unknown key with NOT_FOUND', async () => {
      await rejectsWithCode(km.getPublicKey('nope'), Code.NOT_FOUND);
      const digest = createHash('sha256').update(message).digest();
      await rejectsWithCode(km.signData('nope', digest, { hashAlgorithm: 'SHA256' }), Code.NOT_FOUND);
    });

    it('rejects a missing key ID or an unknown key type with INVALID_ARGUMENT', async () => {
      await rejectsWithCode(km.generateKey('', 'ec-p256'), Code.INVALID_ARGUMENT);
      await rejectsWithCode(km.generateKey('x', 'ec-p521' as KeyType), Code.INVALID_ARGUMENT);
      await rejectsWithCode(km.getPublicKey(''), Code.INVALID_ARGUMENT);
      assert.equal((await km.getPublicKeys()).some((k) => k.id === 'x'), false, 'a failed generate adds no key');
    });
  });
}
