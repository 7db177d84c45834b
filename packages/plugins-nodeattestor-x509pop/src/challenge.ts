import { constants, randomBytes, verify, type KeyObject } from 'node:crypto';
import { allowsDigitalSignature, goBytes, goField, parseJson, type Cert } from '@spire-ts/core/plugin';

/** Nonces are 32 bytes on both sides, as SPIRE's x509pop. */
export const NONCE_LEN = 32;

/** The server's challenge: exactly one of the two fields is set, the other is JSON null. */
export interface Challenge {
  kind: 'rsa' | 'ecdsa';
  nonce: Buffer;
}

/**
 * Makes a challenge for the leaf's key. Throws Error with SPIRE's wording when the certificate may
 * not sign or its key is neither RSA nor ECDSA.
 */
export function generateChallenge(leaf: Cert): Challenge {
  if (!allowsDigitalSignature(leaf)) throw new Error('certificate not intended for digital signature use');
  if (leaf.keyType === 'rsa') return { kind: 'rsa', nonce: randomBytes(NONCE_LEN) };
  if (leaf.keyType === 'ec') return { kind: 'ecdsa', nonce: randomBytes(NONCE_LEN) };
  throw new Error(`unsupported public key type ${leaf.keyType}`);
}

/** The challenge as SPIRE's agent reads it: `{"rsa_signature":{"nonce":…},"ecdsa_signature":null}`. */
export function encodeChallenge(c: Challenge): Buffer {
  const body = { nonce: c.nonce.toString('base64') };
  return Buffer.from(
    JSON.stringify({ rsa_signature: c.kind === 'rsa' ? body : null, ecdsa_signature: c.kind === 'ecdsa' ? body : null }),
  );
}

/** The agent's response, decoded. Throws Error when the JSON or its base64 is malformed. */
export function decodeResponse(bytes: Uint8Array): { rsa?: { nonce: Buffer; signature: Buffer }; ecdsa?: { nonce: Buffer; r: Buffer; s: Buffer } } {
  const doc = parseJson(bytes);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object');
  const rsa = goField(doc, 'rsa_signature');
  const ec = goField(doc, 'ecdsa_signature');
  const out: ReturnType<typeof decodeResponse> = {};
  if (rsa !== undefined && rsa !== null) {
    out.rsa = { nonce: goBytes(goField(rsa, 'nonce'), 'rsa_signature.nonce'), signature: goBytes(goField(rsa, 'signature'), 'rsa_signature.signature') };
  }
  if (ec !== undefined && ec !== null) {
    out.ecdsa = {
      nonce: goBytes(goField(ec, 'nonce'), 'ecdsa_signature.nonce'),
      r: goBytes(goField(ec, 'r'), 'ecdsa_signature.r'),
      s: goBytes(goField(ec, 's'), 'ecdsa_signature.s'),
    };
  }
  return out;
}

function combined(challenge: Buffer, response: Buffer): Buffer {
  if (challenge.length !== NONCE_LEN) throw new Error('invalid challenge nonce');
  if (response.length !== NONCE_LEN) throw new Error('invalid response nonce');
  return Buffer.concat([challenge, response]);
}

function fieldBytes(key: KeyObject): number {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  switch (curve) {
    case 'prime256v1':
      return 32;
    case 'secp384r1':
      return 48;
    case 'secp521r1':
      return 66;
    default:
      throw new Error(`unsupported curve ${curve ?? 'unknown'}`);
  }
}

function leftPad(b: Buffer, n: number): Buffer | undefined {
  const trimmed = b.subarray(b.findIndex((x) => x !== 0) < 0 ? b.length : b.findIndex((x) => x !== 0));
  if (trimmed.length > n) return undefined;
  return Buffer.concat([Buffer.alloc(n - trimmed.length), trimmed]);
}

/**
 * Checks the agent's proof of possession. SPIRE's agent signs SHA-256(challenge nonce ‖ its own
 * nonce): RSA with PSS (salt length auto-detected), ECDSA as raw big-endian r and s. Signing that
 * digest is the same as signing the concatenation with SHA-256, which is what node:crypto checks.
 * Throws Error with SPIRE's wording when the response does not prove possession.
 */
export function verifyResponse(leaf: Cert, c: Challenge, response: ReturnType<typeof decodeResponse>): void {
  if (c.kind === 'rsa') {
    if (!response.rsa) throw new Error('expecting RSA response');
    const data = combined(c.nonce, response.rsa.nonce);
    const ok = verify(
      'sha256',
      data,
      { key: leaf.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      response.rsa.signature,
    );
    if (!ok) throw new Error('RSA signature verify failed');
    return;
  }
  if (!response.ecdsa) throw new Error('expecting ECDSA response');
  const data = combined(c.nonce, response.ecdsa.nonce);
  const n = fieldBytes(leaf.publicKey);
  const r = leftPad(response.ecdsa.r, n);
  const s = leftPad(response.ecdsa.s, n);
  let ok = false;
  if (r && s) {
    try {
      ok = verify('sha256', data, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]));
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new Error('ECDSA signature verify failed');
}

