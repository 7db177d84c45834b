import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_LOADER_OPTIONS } from '../api/proto.js';
import type { Status, Status__Output } from './gen/api/google/rpc/Status.js';
import { MessageCodec } from './message-codec.js';

const codec = new MessageCodec<Status, Status__Output>('google/rpc/status.proto', 'google.rpc.Status', API_LOADER_OPTIONS);

describe('MessageCodec', () => {
  it('encode leaves fields at their default out, at every depth, as proto3 encoders do', () => {
    assert.deepEqual([...codec.encode({ code: 0, message: '', details: [] })], []);
    // details[0] = Any{type_url "t"}: its empty value is left out.
    assert.deepEqual([...codec.encode({ code: 5, details: [{ type_url: 't', value: Buffer.alloc(0) }] })], [0x08, 5, 0x1a, 3, 0x0a, 1, 0x74]);
  });

  it('encodeAsSet writes every field the object sets, defaults included', () => {
    assert.deepEqual([...codec.encodeAsSet({ code: 0, message: '' })], [0x08, 0, 0x12, 0]);
  });

  it('decode gives the object proto-loader would, defaults filled in', () => {
    const back = codec.decode(codec.encode({ code: 7, message: 'no', details: [{ type_url: 't', value: Buffer.of(1) }] }));
    assert.deepEqual(back, { code: 7, message: 'no', details: [{ type_url: 't', value: Buffer.of(1) }] });
    assert.deepEqual(codec.decode(new Uint8Array()), { code: 0, message: '', details: [] });
  });

  it('decode throws a RangeError on truncated data', () => {
    assert.throws(() => codec.decode(Uint8Array.of(0x12, 5, 0x61)), RangeError);
  });
});
