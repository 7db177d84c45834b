import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { PeerCA } from '../federation/refresher/test-support/peer.js';
import { bundleToJwks, parseBundleDocument } from './bundle-jwks.js';

const bad = (message: string) => ({ code: 3, message });

test('a document written by bundleToJwks reads back as the same bundle, under the trust domain asked for', async () => {
  const ca = await PeerCA.create('doc.test');
  const jwk = createPublicKey(ca.root.keyPem).export({ format: 'der', type: 'spki' });
  const b = { ...ca.bundle(300, 7), jwtSigningKeys: [{ pkixBytes: new Uint8Array(jwk), kid: 'k1', notAfter: 0, taintedKey: false }] };
  const got = parseBundleDocument(JSON.stringify(bundleToJwks(b)), 'spiffe://doc.test');
  assert.deepEqual(got, b);
  assert.equal(parseBundleDocument(JSON.stringify(bundleToJwks(b)), 'other.test').trustDomainId, 'spiffe://other.test');
});

test("SPIRE's strict rules: missing or unknown use, x5c count, kid", async () => {
  const ca = await PeerCA.create('rules.test');
  const x5c = [Buffer.from(ca.root.der).toString('base64')];
  const doc = (...keys: object[]) => JSON.stringify({ keys });
  assert.throws(() => parseBundleDocument(doc({ kty: 'EC', x5c }), 'x.test'), bad('keys[0]: missing use'));
  assert.throws(() => parseBundleDocument(doc({ use: 'x509-svid', x5c }, { use: 'sig', kty: 'EC' }), 'x.test'), bad('keys[1]: unknown use "sig"'));
  assert.throws(() => parseBundleDocument(doc({ use: 'x509-svid', x5c: [...x5c, ...x5c] }), 'x.test'), bad('keys[0]: an x509-svid key must have exactly one x5c certificate'));
  assert.throws(() => parseBundleDocument(doc({ use: 'x509-svid' }), 'x.test'), bad('keys[0]: an x509-svid key must have exactly one x5c certificate'));
  assert.throws(() => parseBundleDocument(doc({ use: 'x509-svid', x5c: ['AAAA'] }), 'x.test'), { message: /^keys\[0\]: x5c certificate does not parse: / });
  assert.throws(() => parseBundleDocument(doc({ use: 'jwt-svid', kty: 'EC' }), 'x.test'), bad('keys[0]: a jwt-svid key must have a kid'));
  assert.throws(() => parseBundleDocument(doc({ use: 'jwt-svid', kid: 'k', kty: 'EC' }), 'x.test'), { code: 3, message: /^keys\[0\]: / });
  assert.throws(() => parseBundleDocument(doc({ use: 'wit-svid', kty: 'EC' }), 'x.test'), bad('keys[0]: a wit-svid key must have a kid'));
  // A WIT authority is accepted, as SPIRE, and not kept: stored bundles hold none.
  assert.deepEqual(parseBundleDocument(doc({ use: 'x509-svid', x5c }, { use: 'wit-svid', kid: 'w', kty: 'EC' }), 'x.test').rootCas.length, 1);
  // The same root twice is one authority.
  assert.equal(parseBundleDocument(doc({ use: 'x509-svid', x5c }, { use: 'x509-svid', x5c }), 'x.test').rootCas.length, 1);
});

test('shape, numbers and size', () => {
  assert.throws(() => parseBundleDocument('not json', 'x.test'), { code: 3, message: /^invalid JSON: / });
  assert.throws(() => parseBundleDocument('[]', 'x.test'), bad('expected a JSON object'));
  assert.throws(() => parseBundleDocument('{"keys":{}}', 'x.test'), bad('keys must be a list'));
  assert.throws(() => parseBundleDocument('{"keys":[1]}', 'x.test'), bad('keys[0]: expected a JSON object'));
  assert.throws(() => parseBundleDocument('{"spiffe_refresh_hint":-1}', 'x.test'), bad('spiffe_refresh_hint must be a non-negative integer'));
  assert.throws(() => parseBundleDocument('{"spiffe_sequence":"7"}', 'x.test'), bad('spiffe_sequence must be a non-negative integer'));
  assert.deepEqual(parseBundleDocument('{}', 'x.test'), { trustDomainId: 'spiffe://x.test', rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 });
  const big = JSON.stringify({ keys: [], pad: 'x'.repeat(100) });
  assert.throws(() => parseBundleDocument(big, 'x.test', { maxBytes: 64 }), bad('bundle document is larger than 64 bytes'));
  assert.equal(parseBundleDocument(Buffer.from(big), 'x.test', { maxBytes: big.length }).rootCas.length, 0);
});
