import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle } from '@spire-ts/core/plugin';
import {
  decodeAdditionalAttributes,
  decodeBundleProto,
  encodeAdditionalAttributes,
  encodeBundleProto,
  journalLatestNotAfter,
  witKeysOf,
} from './spire-messages.js';
import { ProtoWriter } from './wire.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('spire.common.Bundle bytes', () => {
  const bundle: Bundle = {
    trustDomainId: 'spiffe://td',
    rootCas: [{ derBytes: new Uint8Array([0xaa, 0xbb]), taintedKey: true }],
    jwtSigningKeys: [{ pkixBytes: new Uint8Array([0xcc]), kid: 'k', notAfter: 300, taintedKey: false }],
    refreshHint: 60,
    sequenceNumber: 2,
  };

  it('encodes field for field as protobuf does', () => {
    // 0a 0b "spiffe://td" | 12 06 (0a 02 aabb 10 01) | 1a 09 (0a 01 cc 12 01 "k" 18 ac02) | 20 3c | 28 02
    assert.equal(
      hex(encodeBundleProto(bundle)),
      '0a0b7370696666653a2f2f7464' + '1206' + '0a02aabb1001' + '1a09' + '0a01cc12016b18ac02' + '203c' + '2802',
    );
  });

  it('decodes what it encodes and keeps WIT keys and unknown fields byte for byte', () => {
    const wit = new ProtoWriter().message(6, new ProtoWriter().bytes(1, new Uint8Array([1])).string(2, 'w').varint(3, 9).finish()).finish();
    const future = new ProtoWriter().varint(99, 7).finish();
    const bytes = Buffer.concat([encodeBundleProto(bundle), wit, future]);
    const got = decodeBundleProto(bytes);
    assert.deepEqual(got.bundle, bundle);
    assert.deepEqual(witKeysOf(got.kept), [{ pkixBytes: new Uint8Array([1]), kid: 'w', notAfter: 9, taintedKey: false }]);
    assert.equal(hex(encodeBundleProto(got.bundle, got.kept)), hex(bytes));
  });

  it('leaves zero values out, as proto3 does', () => {
    const empty: Bundle = { trustDomainId: 'spiffe://td', rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 };
    assert.equal(hex(encodeBundleProto(empty)), '0a0b7370696666653a2f2f7464');
  });

  it('throws on bytes that are not a message', () => {
    assert.throws(() => decodeBundleProto(new Uint8Array([0x0a, 0x05, 0x01])), /truncated/);
  });
});

describe('AdditionalAttributes bytes', () => {
  it('round-trips and writes nothing for all-false', () => {
    assert.equal(hex(encodeAdditionalAttributes({ disableX509SvidPrefetch: true, jwtSvidIncludeJti: true })), '08011001');
    assert.equal(encodeAdditionalAttributes({ disableX509SvidPrefetch: false, jwtSvidIncludeJti: false }).length, 0);
    assert.deepEqual(decodeAdditionalAttributes(Buffer.from('1001', 'hex')), { disableX509SvidPrefetch: false, jwtSvidIncludeJti: true });
  });
});

describe('CA journal not_after', () => {
  it('is the latest X.509 CA (field 7) or JWT key (field 3) not_after; WIT keys do not count', () => {
    const x509 = new ProtoWriter().string(1, 'A').varint(7, 500).finish();
    const jwt = new ProtoWriter().string(1, 'A').varint(3, 700).finish();
    const wit = new ProtoWriter().varint(3, 9000).finish();
    const entries = new ProtoWriter().message(1, x509).message(2, jwt).message(3, wit).finish();
    assert.equal(journalLatestNotAfter(entries), 700);
    assert.equal(journalLatestNotAfter(new Uint8Array(0)), undefined);
  });
});
