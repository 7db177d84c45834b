import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pack, unpack } from './packing.js';

describe('worker result packing', () => {
  it('round-trips items and errors in order', () => {
    const items = [Uint8Array.of(1, 2, 3), { error: 'bad CSR' }, new Uint8Array(), Uint8Array.of(9), { error: 'ünïcode' }];
    const out = unpack(pack(items));
    assert.deepEqual(out.map((x) => (x instanceof Uint8Array ? [...x] : x)), [[1, 2, 3], { error: 'bad CSR' }, [], [9], { error: 'ünïcode' }]);
  });

  it("keeps a failure's kind, so a refused CSR stays told apart from other failures", () => {
    const out = unpack(pack([{ error: 'x509: malformed certificate request', kind: 'bad-csr' }, { error: 'no public key' }]));
    assert.deepEqual(out, [{ error: 'x509: malformed certificate request', kind: 'bad-csr' }, { error: 'no public key' }]);
  });
});
