import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { realBundle } from '../real-bundle.js';
import { bundleFormatFromString, formatPluginBundle } from './bundle-format.js';

const bundle = { ...realBundle(1), refreshHint: 300, sequenceNumber: 7 };

test('spiffe: x509-svid and jwt-svid keys in go-jose member order, then sequence and refresh hint', () => {
  const text = formatPluginBundle(bundle, 'spiffe');
  const doc = JSON.parse(text) as { keys: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(doc), ['keys', 'spiffe_sequence', 'spiffe_refresh_hint']);
  assert.deepEqual(Object.keys(doc.keys[0]!), ['use', 'kty', 'crv', 'x', 'y', 'x5c']);
  assert.deepEqual(Object.keys(doc.keys[1]!), ['use', 'kty', 'kid', 'crv', 'x', 'y']);
  assert.equal(doc.keys[0]!.use, 'x509-svid');
  assert.deepEqual(doc.keys[0]!.x5c, [Buffer.from(bundle.x509Authorities[0]!.asn1).toString('base64')]);
  assert.equal(doc.keys[1]!.kid, 'kid-1');
  assert.match(text, /"spiffe_sequence":7,"spiffe_refresh_hint":300}$/);
});

test('spiffe: no sequence or refresh hint members when they are zero', () => {
  const doc = JSON.parse(formatPluginBundle({ ...bundle, sequenceNumber: 0, refreshHint: 0 }, 'spiffe')) as object;
  assert.deepEqual(Object.keys(doc), ['keys']);
});

test('jwks: the same keys without use or SPIFFE members', () => {
  const doc = JSON.parse(formatPluginBundle(bundle, 'jwks')) as { keys: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(doc), ['keys']);
  assert.deepEqual(Object.keys(doc.keys[0]!), ['kty', 'crv', 'x', 'y', 'x5c']);
  assert.deepEqual(Object.keys(doc.keys[1]!), ['kty', 'kid', 'crv', 'x', 'y']);
});

test('pem: only the X.509 authorities, as certificates openssl reads', () => {
  const pem = formatPluginBundle(bundle, 'pem');
  assert.equal(new X509Certificate(pem).subject, 'CN=ca-1');
  assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 1);
});

test('an authority that does not parse names the format and the authority', () => {
  const bad = { ...bundle, x509Authorities: [{ asn1: Uint8Array.from([0x30, 0x00]), tainted: false }] };
  assert.throws(() => formatPluginBundle(bad, 'jwks'), (e: Error) => e.message.startsWith('could not convert bundle to jwks format: unable to parse root CA 0: '));
});

test('format names are read case-insensitively; others are refused', () => {
  assert.equal(bundleFormatFromString('SPIFFE'), 'spiffe');
  assert.equal(bundleFormatFromString('Pem'), 'pem');
  assert.throws(() => bundleFormatFromString('yaml'), { message: 'unknown bundle format: "yaml"' });
});
