import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, ECDH, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { emptyDistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import { algorithmIdentifier } from './certificate.js';
import { assembleCsr } from './csr-builder.js';
import { parseCsr, verifyCsr } from './csr.js';
import { bitString, explicit, oid, seq, smallInt } from '../../der.js';
import { NATIVE_EC_VERIFY_ENV, nativeEcVerifyStatus } from './ec-verify-native.js';
import { encodeName } from './name.js';
import { OID } from './oids.js';

type Curve = 'P-256' | 'P-384';
const HASH_OID = { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 } as const;
type Hash = keyof typeof HASH_OID;

/** A DER CSR over `curve`, signed with `hash` by `signer` (its own key unless given). */
function ecCsr(curve: Curve, hash: Hash, opts: { signer?: KeyObject; tamper?: 'signature' | 'info'; signature?: Uint8Array } = {}): Uint8Array {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const info = seq(smallInt(0), encodeName(emptyDistinguishedName()), spki, explicit(0));
  const sig = opts.signature ?? new Uint8Array(createSign(hash).update(info).sign(opts.signer ?? privateKey));
  if (opts.tamper === 'signature') sig[sig.length - 3]! ^= 0x01;
  // The signed request with another version number: same key, different bytes.
  const sent = opts.tamper === 'info' ? seq(smallInt(1), encodeName(emptyDistinguishedName()), spki, explicit(0)) : info;
  return assembleCsr(sent, algorithmIdentifier(HASH_OID[hash], false), sig);
}

/** verifyCsr's verdict: 'ok' or the error message. */
function verdict(csr: Uint8Array): string {
  try {
    verifyCsr(parseCsr(csr));
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Runs `verdict` over the same CSRs in a worker thread with `env`, returning its verdicts. */
async function verdictsInWorker(csrs: Uint8Array[], env: NodeJS.ProcessEnv): Promise<{ loaded: boolean; verdicts: string[] }> {
  const csrUrl = new URL('./csr.js', import.meta.url).href;
  const nativeUrl = new URL('./ec-verify-native.js', import.meta.url).href;
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { parseCsr, verifyCsr } = await import(${JSON.stringify(csrUrl)});
      const { nativeEcVerifyStatus } = await import(${JSON.stringify(nativeUrl)});
      const verdicts = workerData.map((c) => { try { verifyCsr(parseCsr(c)); return 'ok'; } catch (e) { return e.message; } });
      parentPort.postMessage({ loaded: nativeEcVerifyStatus().loaded, verdicts });
    })().catch((e) => parentPort.postMessage({ error: String(e) }));`;
  const w = new Worker(src, { eval: true, workerData: csrs, env });
  try {
    const msg = await new Promise<{ loaded: boolean; verdicts: string[]; error?: string }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    if (msg.error) throw new Error(msg.error);
    return msg;
  } finally {
    await w.terminate();
  }
}

/** Every case once: [label, csr, expected verdict]. */
function cases(): [string, Uint8Array, string][] {
  const out: [string, Uint8Array, string][] = [];
  for (const curve of ['P-256', 'P-384'] as const) {
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      out.push([`${curve}/${hash} valid`, ecCsr(curve, hash), 'ok']);
      out.push([`${curve}/${hash} signature altered`, ecCsr(curve, hash, { tamper: 'signature' }), 'x509: ECDSA verification failure']);
      out.push([`${curve}/${hash} request altered`, ecCsr(curve, hash, { tamper: 'info' }), 'x509: ECDSA verification failure']);
    }
    const other = generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
    out.push([`${curve} signed by another key`, ecCsr(curve, 'sha256', { signer: other }), 'x509: ECDSA verification failure']);
    out.push([`${curve} signature not DER`, ecCsr(curve, 'sha256', { signature: new Uint8Array([0x30, 0x03, 0x02, 0x01]) }), 'x509: ECDSA verification failure']);
    out.push([`${curve} empty signature`, ecCsr(curve, 'sha256', { signature: new Uint8Array(0) }), 'x509: ECDSA verification failure']);
  }
  return out;
}

test('native verifier: loaded where it was built (required when SPIRE_TS_REQUIRE_NATIVE=1)', (t) => {
  const st = nativeEcVerifyStatus();
  if (process.env.SPIRE_TS_REQUIRE_NATIVE === '1') assert.deepEqual(st, { loaded: true });
  else if (!st.loaded) t.skip(`native verifier not loaded: ${st.reason}`);
  else assert.deepEqual(st, { loaded: true });
});

test('verifyCsr: P-256 and P-384 with SHA-256/384/512: valid, altered, foreign-key and malformed signatures', () => {
  for (const [label, csr, want] of cases()) assert.equal(verdict(csr), want, label);
});

test('verifyCsr: the native path and node:crypto give the same verdicts, in worker threads too', async () => {
  const all = cases();
  const csrs = all.map(([, c]) => c);
  const want = all.map(([, , v]) => v);
  const [native, fallback] = await Promise.all([
    verdictsInWorker(csrs, { ...process.env }),
    verdictsInWorker(csrs, { ...process.env, [NATIVE_EC_VERIFY_ENV]: '0' }),
  ]);
  assert.equal(fallback.loaded, false);
  assert.equal(native.loaded, nativeEcVerifyStatus().loaded);
  assert.deepEqual(native.verdicts, want);
  assert.deepEqual(fallback.verdicts, want);
});

test('verifyCsr: a public key that is not on its curve is refused, and leaves node:crypto working', () => {
  for (const curve of ['P-256', 'P-384'] as const) {
    const csr = ecCsr(curve, 'sha256');
    const parsed = parseCsr(csr);
    // The SPKI ends with the point's y coordinate: flipping its last bit moves the point off the curve.
    const spkiAt = Buffer.from(csr).indexOf(Buffer.from(parsed.spki));
    const bad = new Uint8Array(csr);
    bad[spkiAt + parsed.spki.length - 1]! ^= 0x01;
    // Go refuses such a key while parsing the CSR, in these words; here the check comes with the
    // signature, on the native path and on node:crypto alike.
    assert.equal(verdict(bad), 'x509: failed to unmarshal elliptic curve point', curve);
  }
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  assert.ok(sign('sha256', Buffer.from('after a refusal'), key).length > 0);
});

test('verifyCsr: RSA stays on node:crypto; compressed EC points are refused, as Go refuses them', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const info = seq(smallInt(0), encodeName(emptyDistinguishedName()), spki, explicit(0));
  const rsa = assembleCsr(info, algorithmIdentifier(OID.sha256WithRSA, true), new Uint8Array(createSign('sha256').update(info).sign(privateKey)));
  assert.equal(verdict(rsa), 'ok');
  // An ECDSA algorithm over an RSA key (or the reverse) is refused, as Go's CheckSignature does.
  const mixed = assembleCsr(info, algorithmIdentifier(OID.ecdsaWithSHA256, false), new Uint8Array(createSign('sha256').update(info).sign(privateKey)));
  assert.equal(verdict(mixed), 'x509: signature algorithm specifies an ECDSA public key, but have public key of type *rsa.PublicKey');

  // A compressed point (0x02/0x03 prefix) is valid SPKI, but Go's x509 reads only uncompressed ones.
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = ec.publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const short = ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed') as Buffer;
  const cspki = seq(seq(oid(OID.ecPublicKey), oid(OID.prime256v1)), bitString(short));
  const cinfo = seq(smallInt(0), encodeName(emptyDistinguishedName()), cspki, explicit(0));
  const signed = (i: Uint8Array) => assembleCsr(i, algorithmIdentifier(OID.ecdsaWithSHA256, false), new Uint8Array(createSign('sha256').update(i).sign(ec.privateKey)));
  assert.equal(verdict(signed(cinfo)), 'x509: failed to unmarshal elliptic curve point');
});
