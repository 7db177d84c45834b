import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { TpmAlg, TpmaObject } from './tpm-alg.js';
import { AK_ATTRS, eccPublic, EK_ATTRIBUTES, rsaKeys, rsaPublic, u16 } from './tpm-builders.test-support.js';
import { decodePublic, hasAttributes, publicKeyOf } from './tpm-public.js';

const spki = (k: { export(o: { type: 'spki'; format: 'der' }): Buffer }) => k.export({ type: 'spki', format: 'der' });

describe('TPMT_PUBLIC decoding', () => {
  it('decodes an RSA storage key (the EK template) and yields its public key', () => {
    const { publicKey } = rsaKeys();
    const raw = rsaPublic(publicKey, { attributes: EK_ATTRIBUTES, aes: true });
    const pub = decodePublic(raw);
    assert.equal(pub.type, TpmAlg.RSA);
    assert.equal(pub.nameAlg, TpmAlg.SHA256);
    assert.deepEqual(pub.symmetric, { algorithm: TpmAlg.AES, keyBits: 128, mode: TpmAlg.CFB });
    assert.deepEqual(pub.scheme, { scheme: TpmAlg.NULL, hashAlg: TpmAlg.NULL });
    assert.equal(pub.rsa!.keyBits, 2048);
    assert.ok(pub.raw.equals(raw));
    assert.ok(spki(publicKeyOf(pub)).equals(spki(publicKey)));
  });

  it('decodes an RSASSA signing key with its scheme hash', () => {
    const pub = decodePublic(rsaPublic(rsaKeys().publicKey, { attributes: AK_ATTRS, scheme: TpmAlg.RSASSA }));
    assert.deepEqual(pub.scheme, { scheme: TpmAlg.RSASSA, hashAlg: TpmAlg.SHA256 });
    assert.ok(hasAttributes(pub, TpmaObject.restricted | TpmaObject.sign));
    assert.ok(!hasAttributes(pub, TpmaObject.decrypt));
  });

  it('decodes a P-256 ECDSA key and yields its public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pub = decodePublic(eccPublic(publicKey, AK_ATTRS));
    assert.equal(pub.ecc!.curveId, 0x0003);
    assert.ok(spki(publicKeyOf(pub)).equals(spki(publicKey)));
  });

  it('refuses trailing bytes, truncation and other key types', () => {
    const raw = rsaPublic(rsaKeys().publicKey, { attributes: AK_ATTRS });
    assert.throws(() => decodePublic(Buffer.concat([raw, Buffer.from([0])])), { message: 'public area: 1 trailing bytes' });
    assert.throws(() => decodePublic(raw.subarray(0, raw.length - 1)), { message: 'RSA modulus: unexpected end of data' });
    assert.throws(() => decodePublic(Buffer.concat([u16(TpmAlg.KEYEDHASH), raw.subarray(2)])), { message: 'unsupported key type 0x0008' });
    assert.throws(() => decodePublic(Buffer.alloc(0)), { message: 'type: unexpected end of data' });
  });

  it('refuses an unknown curve when making the key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const raw = eccPublic(publicKey, AK_ATTRS);
    raw.writeUInt16BE(0x0010, 16);
    assert.throws(() => publicKeyOf(decodePublic(raw)), { message: 'unsupported ECC curve 0x0010' });
  });
});
