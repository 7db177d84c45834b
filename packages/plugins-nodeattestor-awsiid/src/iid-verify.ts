import { verify } from 'node:crypto';
import { goField, isSignerOf, parsePkcs7, verifyPkcs7Signers } from '@spire-ts/core/plugin';
import { AwsIidErrors as E } from './errors.js';
import type { RegionCerts, SignatureKind } from './region-certs.js';

/** The identity document's fields aws_iid uses, taken from the signed bytes. */
export interface InstanceIdentity {
  accountId: string;
  region: string;
  availabilityZone: string;
  instanceId: string;
  imageId: string;
}

const DOC_FIELDS = ['accountId', 'region', 'availabilityZone', 'instanceId', 'imageId'] as const;

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new Error('unexpected end of JSON input');
  return JSON.parse(text);
}

/** A Go struct's string field: absent or null is '', another type is Go's unmarshal error. */
function stringField(obj: unknown, name: string, struct: string): string {
  const v = goField(obj, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ${struct}.${name} of type string`);
  return v;
}

function objectOf(v: unknown, goType: string): object {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`json: cannot unmarshal ${jsonTypeName(v)} into Go value of type ${goType}`);
  return v;
}

/** Reads the identity document text. Throws INVALID_ARGUMENT "failed to unmarshal the IID: …". */
function parseDocument(text: string): InstanceIdentity {
  try {
    const obj = objectOf(parseJsonText(text), 'imds.InstanceIdentityDocument');
    const out = {} as Record<(typeof DOC_FIELDS)[number], string>;
    for (const f of DOC_FIELDS) out[f] = stringField(obj, f, 'InstanceIdentityDocument');
    return out;
  } catch (e) {
    throw E.document((e as Error).message);
  }
}

/** Standard base64, line breaks allowed (as Go's decoder skips them); undefined when malformed. */
function decodeBase64(s: string): { bytes?: Buffer; badAt?: number } {
  const clean = s.replace(/[\r\n]/g, '');
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return { badAt: bad };
  const pad = clean.indexOf('=');
  if (pad >= 0 && !/^=={0,1}$/.test(clean.slice(pad))) return { badAt: pad };
  if (clean.length % 4 !== 0) return { badAt: clean.length - (clean.length % 4) };
  return { bytes: Buffer.from(clean, 'base64') };
}

function verifyRsa(certs: RegionCerts, region: string, document: string, signature: string): void {
  const cert = regionCert(certs, region, 'rsa1024');
  const d = decodeBase64(signature);
  if (!d.bytes) throw E.decodeRsaSignature(`illegal base64 data at input byte ${d.badAt}`);
  if (!verify('sha256', Buffer.from(document, 'utf8'), cert.x509.publicKey, d.bytes)) throw E.verifyRsaSignature('crypto/rsa: verification error');
}

function verifyRsa2048(certs: RegionCerts, region: string, document: string, rsa2048: string): Buffer {
  const cert = regionCert(certs, region, 'rsa2048');
  const d = decodeBase64(rsa2048);
  if (!d.bytes || d.bytes.length === 0) throw E.decodePkcs7();
  let message;
  try {
    message = parsePkcs7(d.bytes);
  } catch (e) {
    throw E.parsePkcs7((e as Error).message);
  }
  // Only the region certificate is trusted; any certificate inside the message is ignored.
  try {
    verifyPkcs7Signers(message, (si) => (isSignerOf(si, cert) ? cert.x509 : undefined));
  } catch (e) {
    throw E.verifyPkcs7((e as Error).message);
  }
  const content = message.content;
  // A valid PKCS#7 of one instance sent with another instance's document must not pass.
  if (!content.equals(Buffer.from(document, 'utf8'))) throw E.contentMismatch();
  return content;
}

function regionCert(certs: RegionCerts, region: string, kind: SignatureKind) {
  try {
    return certs.get(region, kind);
  } catch (e) {
    throw E.caCertificate(region, (e as Error).message);
  }
}

/**
 * Checks an aws_iid payload (`{"document","signature","rsa2048"}`) and returns the identity it
 * proves. With `rsa2048` set, the PKCS#7 must verify against the region's RSA-2048 certificate
 * and hold exactly the `document` bytes, and the identity is read from that signed content;
 * otherwise `signature` must be AWS's RSA signature over the document. Only the shipped (or the
 * test-replaced) region certificates are used. Throws INVALID_ARGUMENT for a payload that does
 * not decode or verify, INTERNAL when the region has no certificate (SPIRE's codes and messages).
 */
export function verifyIdentityPayload(payload: Uint8Array, certs: RegionCerts): InstanceIdentity {
  if (payload.length === 0) throw E.missingPayload();
  let document: string;
  let signature: string;
  let rsa2048: string;
  try {
    const obj = objectOf(parseJsonText(Buffer.from(payload).toString('utf8')), 'aws.IIDAttestationData');
    document = stringField(obj, 'document', 'IIDAttestationData');
    signature = stringField(obj, 'signature', 'IIDAttestationData');
    rsa2048 = stringField(obj, 'rsa2048', 'IIDAttestationData');
  } catch (e) {
    throw E.attestationData((e as Error).message);
  }
  // The claimed document only picks the region certificate; the identity comes from what verified.
  const claimed = parseDocument(document);
  const kind: SignatureKind = rsa2048 !== '' ? 'rsa2048' : 'rsa1024';
  if ((kind === 'rsa2048' ? rsa2048 : signature) === '') throw E.signatureRequired();
  if (kind === 'rsa1024') {
    verifyRsa(certs, claimed.region, document, signature);
    return parseDocument(document);
  }
  const signed = verifyRsa2048(certs, claimed.region, document, rsa2048);
  return parseDocument(signed.toString('utf8'));
}
