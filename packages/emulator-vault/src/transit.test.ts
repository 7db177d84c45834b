import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VaultEmulator } from './emulator.js';
import { call } from './test-support.js';

let emu: VaultEmulator;
let token: string;
before(async () => {
  emu = await VaultEmulator.start();
  token = emu.createToken({ ttl: 0 });
});
after(() => emu.close());

const digest = (alg: string) => createHash(alg).update('hello').digest();

describe('Vault emulator Transit', () => {
  it('creates a non-exportable key, reads its public key, signs prehashed digests (asn1 ECDSA, RSA pkcs1v15 and pss)', async () => {
    assert.equal((await call(emu, 'GET', '/v1/transit/keys?list=true', { token })).status, 404, 'no keys yet');
    assert.equal((await call(emu, 'POST', '/v1/transit/keys/ec', { token, body: { type: 'ecdsa-p256', exportable: false } })).status, 204);
    const read = await call(emu, 'GET', '/v1/transit/keys/ec', { token });
    assert.equal(read.json.data.type, 'ecdsa-p256');
    assert.equal(read.json.data.exportable, false);
    const pub = createPublicKey(read.json.data.keys['1'].public_key);
    const s = await call(emu, 'POST', '/v1/transit/sign/ec/sha2-256', { token, body: { input: digest('sha256').toString('base64'), prehashed: true, marshaling_algorithm: 'asn1' } });
    assert.match(s.json.data.signature, /^vault:v1:/);
    assert.ok(verify('sha256', Buffer.from('hello'), pub, Buffer.from(s.json.data.signature.slice(9), 'base64')));

    await call(emu, 'POST', '/v1/transit/keys/rsa', { token, body: { type: 'rsa-2048' } });
    const rsaPub = createPublicKey((await call(emu, 'GET', '/v1/transit/keys/rsa', { token })).json.data.keys['1'].public_key);
    const p1 = await call(emu, 'POST', '/v1/transit/sign/rsa/sha2-384', { token, body: { input: digest('sha384').toString('base64'), prehashed: true, signature_algorithm: 'pkcs1v15' } });
    assert.ok(verify('sha384', Buffer.from('hello'), rsaPub, Buffer.from(p1.json.data.signature.slice(9), 'base64')));
    const pss = await call(emu, 'POST', '/v1/transit/sign/rsa/sha2-256', { token, body: { input: digest('sha256').toString('base64'), prehashed: true, signature_algorithm: 'pss', salt_length: 'hash' } });
    assert.ok(verify('sha256', Buffer.from('hello'), { key: rsaPub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(pss.json.data.signature.slice(9), 'base64')));
    assert.deepEqual((await call(emu, 'GET', '/v1/transit/keys?list=true', { token })).json.data.keys, ['ec', 'rsa']);
  });

  it('deletes a key only once its config allows it', async () => {
    await call(emu, 'POST', '/v1/transit/keys/gone', { token, body: { type: 'ecdsa-p384' } });
    assert.deepEqual(await call(emu, 'DELETE', '/v1/transit/keys/gone', { token }), { status: 400, json: { errors: ['deletion is not allowed for this key'] } });
    assert.equal((await call(emu, 'POST', '/v1/transit/keys/gone/config', { token, body: { deletion_allowed: true } })).status, 204);
    assert.equal((await call(emu, 'DELETE', '/v1/transit/keys/gone', { token })).status, 204);
    assert.equal(emu.transit.key('gone'), undefined);
  });
});
