import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLUGIN_LOADER_OPTIONS } from '../catalog/external/protos.js';
import { Code } from '../errors.js';
import { MessageCodec } from '../proto/message-codec.js';
import { bundleFromMsg, bundleToMsg, structFromMsg, structToMsg } from './wire-common.js';
import type * as msg from './wire-messages.js';
import { keyTypeFromMsg, keyTypeToMsg, signerOptsFromMsg, signerOptsToMsg } from './keymanager/codec.js';

// Round trips go through protobuf bytes, decoded as the plugin loader decodes them.
const bundleCodec = new MessageCodec<msg.Bundle, msg.Bundle__Output>('spire/plugin/types/bundle.proto', 'spire.plugin.types.Bundle', PLUGIN_LOADER_OPTIONS);
const structCodec = new MessageCodec<msg.Struct, msg.Struct__Output>('google/protobuf/struct.proto', 'google.protobuf.Struct', PLUGIN_LOADER_OPTIONS);

describe('wire codecs', () => {
  it('maps key types to the SDK enum names and back', () => {
    for (const t of ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-4096'] as const) assert.equal(keyTypeFromMsg(keyTypeToMsg(t)), t);
    assert.equal(keyTypeToMsg('ec-p256'), 'EC_P256');
    assert.throws(() => keyTypeFromMsg('UNSPECIFIED_KEY_TYPE'), { code: Code.INVALID_ARGUMENT });
  });

  it('carries signer options through the oneof', () => {
    assert.deepEqual(signerOptsToMsg({ hashAlgorithm: 'SHA384' }), { hashAlgorithm: 'SHA384' });
    assert.deepEqual(signerOptsFromMsg({ signerOpts: 'hashAlgorithm', hashAlgorithm: 'SHA384' }), { hashAlgorithm: 'SHA384' });
    assert.deepEqual(signerOptsFromMsg({ signerOpts: 'pssOptions', pssOptions: { saltLength: 32, hashAlgorithm: 'SHA256' } }), {
      pss: { saltLength: 32, hashAlgorithm: 'SHA256' },
    });
    assert.throws(() => signerOptsFromMsg({}), { code: Code.INVALID_ARGUMENT, message: 'signer opts is required' });
  });

  it('round-trips a bundle', () => {
    const b = {
      trustDomain: 'example.org',
      x509Authorities: [{ asn1: new Uint8Array([1, 2]), tainted: true }],
      jwtAuthorities: [{ publicKey: new Uint8Array([3]), keyId: 'k', expiresAt: 99, tainted: false }],
      refreshHint: 60,
      sequenceNumber: 7,
    };
    assert.deepEqual(bundleFromMsg(bundleCodec.decode(bundleCodec.encode(bundleToMsg(b)))), b);
  });

  it('round-trips JSON claims through google.protobuf.Struct', () => {
    const claims = { a: 1, b: 'x', c: true, d: null, e: [1, { f: 'g' }], h: { i: [] } };
    // The decoder names the set member of each Value's oneof in `kind`, which structFromMsg reads.
    assert.deepEqual(structFromMsg(structCodec.decode(structCodec.encode(structToMsg(claims)))), claims);
  });
});
