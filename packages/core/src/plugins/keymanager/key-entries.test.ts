import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../errors.js';
import { isSpireError } from '../../testing/spire-error-matcher.js';
import type { PublicKey, SignerOpts } from './contract.js';
import { KeyEntries } from './key-entries.js';

const pk = (id: string) => ({ id, type: 'ec-p256', pkixData: new Uint8Array([1]), fingerprint: id }) as unknown as PublicKey;

describe('KeyEntries', () => {
  const entries = new KeyEntries([['a', { publicKey: pk('a'), arn: 'arn:a' }], ['b', { publicKey: pk('b'), arn: 'arn:b' }]]);
  const opts: SignerOpts = { hashAlgorithm: 'SHA256' };

  it('answers GetPublicKey(s) and SignData lookups', () => {
    assert.equal(entries.publicKey('b').id, 'b');
    assert.deepEqual(entries.publicKeys().map((k) => k.id), ['a', 'b']);
    assert.equal(entries.forSigning('a', opts).arn, 'arn:a');
  });

  it("refuses with SPIRE's codes and messages, key ID first, then options, then the key", () => {
    assert.throws(() => entries.publicKey(''), isSpireError(Code.INVALID_ARGUMENT, 'key id is required'));
    assert.throws(() => entries.publicKey('c'), isSpireError(Code.NOT_FOUND, 'key "c" not found'));
    assert.throws(() => entries.forSigning('', undefined), isSpireError(Code.INVALID_ARGUMENT, 'key id is required'));
    assert.throws(() => entries.forSigning('c', undefined), isSpireError(Code.INVALID_ARGUMENT, 'signer opts is required'));
    assert.throws(() => entries.forSigning('c', opts), isSpireError(Code.NOT_FOUND, 'key "c" not found'));
  });
});
