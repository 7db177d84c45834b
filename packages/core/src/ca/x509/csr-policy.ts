import { children, decodeOid, readTlv, type Tlv } from '../../der.js';

/**
 * Which CSRs the CA takes: exactly those SPIRE takes. SPIRE reads a CSR with Go's
 * `x509.ParseCertificateRequest` and checks it with `CertificateRequest.CheckSignature`
 * (pkg/server/api/svid/v1/service.go: MintX509SVID, BatchNewX509SVID, NewDownstreamX509CA), built
 * with Go 1.26 (SPIRE's go.mod and .go-version), so these rules and messages are Go's:
 *
 * Parsing (crypto/x509 parser.go `parsePublicKey`, a "malformed CSR"):
 * - rsaEncryption keys need NULL parameters and a positive modulus and exponent;
 * - id-ecPublicKey keys need a *named* curve, one of P-224, P-256, P-384, P-521 (explicit curve
 *   parameters, secp256k1 and the brainpool curves are refused), and an uncompressed point;
 * - Ed25519 keys have no parameters and 32 bytes;
 * - any other key algorithm (the id-RSASSA-PSS key OID, X25519, Ed448, DSA for signing...) parses
 *   with no usable key, and the signature check then says the algorithm is unimplemented.
 *
 * Checking the signature (crypto/x509 x509.go `checkSignature`, an "invalid CSR signature"):
 * - algorithms: RSA PKCS#1 v1.5 with SHA-1/256/384/512, RSA-PSS with SHA-256/384/512 (only with
 *   MGF1 over the same hash, salt length equal to the hash length and trailer 1, the parameters Go
 *   itself writes: OpenSSL's default maximal salt is refused), ECDSA with SHA-1/256/384/512, and
 *   Ed25519. SHA-1 is allowed for CSRs (allowSHA1=true); MD5 is insecure; MD2, DSA and anything
 *   else is unimplemented;
 * - the signature algorithm must name the key's algorithm;
 * - RSA keys under 1024 bits are refused by crypto/rsa since Go 1.24 (GODEBUG rsa1024min=1, the
 *   default for a go 1.24+ module; SPIRE sets no godebug): `crypto/rsa: N-bit keys are insecure`.
 *   crypto/rsa also refuses an even modulus or exponent, an exponent below 2 or above 2^31-1.
 *
 * Known edge: Go checks that an EC point is on its curve while parsing; here that check happens
 * with the signature (same INVALID_ARGUMENT, the signature wording).
 */

const OIDS = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** The named curves Go's x509 parses, by OID: [Node/OpenSSL name, field size in bytes]. */
export const CSR_CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  '1.3.132.0.33': { name: 'P-224', size: 28 },
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** A CSR's public key as Go's parser sees it. */
export type CsrKey =
  | { kind: 'rsa'; modulusBits: number; modulusOdd: boolean; exponent: bigint }
  | { kind: 'ecdsa'; curve: string }
  | { kind: 'ed25519' }
  /** A key algorithm Go leaves unparsed (no PublicKey): no signature can be checked with it. */
  | { kind: 'unknown' };

type KeyKind = 'rsa' | 'ecdsa' | 'ed25519' | 'dsa';

/** A CSR's signature algorithm as Go's checkSignature sees it. */
export interface CsrSignatureAlgorithm {
  /** Go's name (SHA256-RSA, ECDSA-SHA384, SHA256-RSAPSS, Ed25519, ...), for messages. */
  name: string;
  /** The key algorithm it needs; undefined when Go does not know the algorithm. */
  key?: KeyKind;
  /** The node:crypto hash; null for Ed25519 (no pre-hash); undefined when unknown or MD2. */
  hash?: string | null;
  pss: boolean;
}

const GO_KEY_NAME: Record<KeyKind, string> = { rsa: 'RSA', ecdsa: 'ECDSA', ed25519: 'Ed25519', dsa: 'DSA' };
const GO_KEY_TYPE: Record<Exclude<CsrKey['kind'], 'unknown'>, string> = { rsa: '*rsa.PublicKey', ecdsa: '*ecdsa.PublicKey', ed25519: 'ed25519.PublicKey' };

const SIGNATURE_ALGORITHMS: Record<string, CsrSignatureAlgorithm> = {
  '1.2.840.113549.1.1.2': { name: 'MD2-RSA', key: 'rsa', pss: false },
  '1.2.840.113549.1.1.4': { name: 'MD5-RSA', key: 'rsa', hash: 'md5', pss: false },
  '1.2.840.113549.1.1.5': { name: 'SHA1-RSA', key: 'rsa', hash: 'sha1', pss: false },
  '1.3.14.3.2.29': { name: 'SHA1-RSA', key: 'rsa', hash: 'sha1', pss: false },
  '1.2.840.113549.1.1.11': { name: 'SHA256-RSA', key: 'rsa', hash: 'sha256', pss: false },
  '1.2.840.113549.1.1.12': { name: 'SHA384-RSA', key: 'rsa', hash: 'sha384', pss: false },
  '1.2.840.113549.1.1.13': { name: 'SHA512-RSA', key: 'rsa', hash: 'sha512', pss: false },
  '1.2.840.10040.4.3': { name: 'DSA-SHA1', key: 'dsa', hash: 'sha1', pss: false },
  '2.16.840.1.101.3.4.3.2': { name: 'DSA-SHA256', key: 'dsa', hash: 'sha256', pss: false },
  '1.2.840.10045.4.1': { name: 'ECDSA-SHA1', key: 'ecdsa', hash: 'sha1', pss: false },
  '1.2.840.10045.4.3.2': { name: 'ECDSA-SHA256', key: 'ecdsa', hash: 'sha256', pss: false },
  '1.2.840.10045.4.3.3': { name: 'ECDSA-SHA384', key: 'ecdsa', hash: 'sha384', pss: false },
  '1.2.840.10045.4.3.4': { name: 'ECDSA-SHA512', key: 'ecdsa', hash: 'sha512', pss: false },
  [OIDS.ed25519]: { name: 'Ed25519', key: 'ed25519', hash: null, pss: false },
};

const PSS: Record<string, CsrSignatureAlgorithm & { salt: number }> = {
  [OIDS.sha256]: { name: 'SHA256-RSAPSS', key: 'rsa', hash: 'sha256', pss: true, salt: 32 },
  [OIDS.sha384]: { name: 'SHA384-RSAPSS', key: 'rsa', hash: 'sha384', pss: true, salt: 48 },
  [OIDS.sha512]: { name: 'SHA512-RSAPSS', key: 'rsa', hash: 'sha512', pss: true, salt: 64 },
};

const UNKNOWN_ALGORITHM: CsrSignatureAlgorithm = { name: 'unknown', pss: false };

/** Go's ErrUnsupportedAlgorithm text. */
export const ALGORITHM_UNIMPLEMENTED = 'x509: cannot verify signature: algorithm unimplemented';

/** The smallest RSA modulus crypto/rsa verifies with (Go 1.24+, rsa1024min=1). */
export const MIN_RSA_BITS = 1024;

const NULL_PARAMS = (t: Tlv | undefined): boolean => t === undefined || (t.tag === 0x05 && t.content.length === 0);

function pssAlgorithm(params: Tlv | undefined): CsrSignatureAlgorithm {
  // Go requires all of hash [0], mask generation [1] and salt length [2]; trailer [3] must be 1.
  if (!params || params.tag !== 0x30) return UNKNOWN_ALGORITHM;
  const fields = new Map(children(params.content).map((t) => [t.tag, readTlv(t.content)]));
  const hashAi = fields.get(0xa0);
  const mgfAi = fields.get(0xa1);
  const salt = fields.get(0xa2);
  const trailer = fields.get(0xa3);
  if (!hashAi || !mgfAi || !salt || hashAi.tag !== 0x30 || mgfAi.tag !== 0x30 || salt.tag !== 0x02) return UNKNOWN_ALGORITHM;
  const [hashOid, hashParams] = children(hashAi.content);
  const [mgfOid, mgfParams] = children(mgfAi.content);
  if (!hashOid || !mgfOid || !mgfParams || mgfParams.tag !== 0x30 || !NULL_PARAMS(hashParams)) return UNKNOWN_ALGORITHM;
  const [mgfHashOid, mgfHashParams] = children(mgfParams.content);
  const hash = decodeOid(hashOid.content);
  if (decodeOid(mgfOid.content) !== OIDS.mgf1 || !mgfHashOid || decodeOid(mgfHashOid.content) !== hash || !NULL_PARAMS(mgfHashParams)) return UNKNOWN_ALGORITHM;
  if (trailer && (trailer.tag !== 0x02 || readUint(trailer.content) !== 1n)) return UNKNOWN_ALGORITHM;
  const alg = PSS[hash];
  if (!alg || readUint(salt.content) !== BigInt(alg.salt)) return UNKNOWN_ALGORITHM;
  return { name: alg.name, key: alg.key, hash: alg.hash, pss: true };
}

/**
 * The signature algorithm of a CSR from its AlgorithmIdentifier's OID and parameters, as Go's
 * `getSignatureAlgorithmFromAI`: unknown (name 'unknown', no key) for anything Go does not name.
 */
export function csrSignatureAlgorithm(oid: string, params: Tlv | undefined): CsrSignatureAlgorithm {
  if (oid === OIDS.rsassaPss) return pssAlgorithm(params);
  // RFC 8410: Ed25519 has no parameters, or Go does not know the algorithm.
  if (oid === OIDS.ed25519 && params) return UNKNOWN_ALGORITHM;
  return SIGNATURE_ALGORITHMS[oid] ?? UNKNOWN_ALGORITHM;
}

/** A DER INTEGER's content as a signed bigint. */
function readInt(content: Uint8Array): bigint {
  if (content.length === 0) throw new Error('empty');
  let v = 0n;
  for (const b of content) v = (v << 8n) | BigInt(b);
  if (content[0]! & 0x80) v -= 1n << BigInt(8 * content.length);
  return v;
}

function readUint(content: Uint8Array): bigint {
  try {
    return readInt(content);
  } catch {
    return -1n;
  }
}

const INT64_MAX = (1n << 63n) - 1n;

/** Sign, bit length and parity of a DER INTEGER, without building the number (moduli are big). */
function intFacts(content: Uint8Array): { sign: -1 | 0 | 1; bits: number; odd: boolean } {
  if (content.length === 0) throw new Error('empty');
  if (content[0]! & 0x80) return { sign: -1, bits: 0, odd: false };
  let i = 0;
  while (i < content.length && content[i] === 0) i++;
  if (i === content.length) return { sign: 0, bits: 0, odd: false };
  return { sign: 1, bits: (content.length - i - 1) * 8 + (32 - Math.clz32(content[i]!)), odd: (content[content.length - 1]! & 1) === 1 };
}

function parseRsaKey(params: Tlv | undefined, keyBits: Uint8Array): CsrKey {
  if (!params || params.tag !== 0x05 || params.content.length !== 0) throw new Error('x509: RSA key missing NULL parameters');
  let n: ReturnType<typeof intFacts>;
  let e: bigint;
  let body: Tlv[];
  try {
    const outer = readTlv(keyBits);
    if (outer.tag !== 0x30) throw new Error('not a sequence');
    body = children(outer.content);
  } catch {
    throw new Error('x509: invalid RSA public key');
  }
  try {
    if (body[0]?.tag !== 0x02) throw new Error('not an integer');
    n = intFacts(body[0].content);
  } catch {
    throw new Error('x509: invalid RSA modulus');
  }
  try {
    if (body[1]?.tag !== 0x02) throw new Error('not an integer');
    e = readInt(body[1].content);
    // Go reads the exponent into an int.
    if (e > INT64_MAX || e < -INT64_MAX - 1n) throw new Error('too large');
  } catch {
    throw new Error('x509: invalid RSA public exponent');
  }
  if (n.sign <= 0) throw new Error('x509: RSA modulus is not a positive number');
  if (e <= 0n) throw new Error('x509: RSA public exponent is not a positive number');
  return { kind: 'rsa', modulusBits: n.bits, modulusOdd: n.odd, exponent: e };
}

function parseEcKey(params: Tlv | undefined, keyBits: Uint8Array): CsrKey {
  if (!params || params.tag !== 0x06) throw new Error('x509: invalid ECDSA parameters');
  const curve = decodeOid(params.content);
  const c = CSR_CURVES[curve];
  if (!c) throw new Error('x509: unsupported elliptic curve');
  // Go takes only the uncompressed form (0x04 || X || Y).
  if (keyBits.length !== 1 + 2 * c.size || keyBits[0] !== 0x04) throw new Error('x509: failed to unmarshal elliptic curve point');
  return { kind: 'ecdsa', curve };
}

/**
 * Reads a CSR's SubjectPublicKeyInfo as Go's `parsePublicKey` does for a CSR. Throws Error with
 * Go's message for a key Go refuses to parse (a "malformed CSR" in SPIRE's words); returns
 * `{ kind: 'unknown' }` for a key algorithm Go does not parse at all.
 */
export function parseCsrKey(spki: Uint8Array): CsrKey {
  let algOid: string;
  let params: Tlv | undefined;
  let keyBits: Uint8Array;
  try {
    const outer = readTlv(spki);
    const [alg, key] = children(outer.content);
    if (outer.tag !== 0x30 || !alg || alg.tag !== 0x30 || !key || key.tag !== 0x03 || key.content.length === 0) throw new Error('bad');
    const parts = children(alg.content);
    if (parts[0]?.tag !== 0x06 || parts.length > 2) throw new Error('bad');
    algOid = decodeOid(parts[0].content);
    params = parts[1];
    keyBits = key.content.subarray(1);
  } catch {
    throw new Error('asn1: malformed subject public key info');
  }
  switch (algOid) {
    case OIDS.rsaEncryption:
      return parseRsaKey(params, keyBits);
    case OIDS.ecPublicKey:
      return parseEcKey(params, keyBits);
    case OIDS.ed25519:
      if (params) throw new Error('x509: Ed25519 key encoded with illegal parameters');
      if (keyBits.length !== 32) throw new Error('x509: wrong Ed25519 public key size');
      return { kind: 'ed25519' };
    default:
      return { kind: 'unknown' };
  }
}

/**
 * The checks Go's `checkSignature` makes before any signature arithmetic, in its order and words:
 * the algorithm is known and not insecure, names the key's algorithm, and (for RSA) the key is one
 * crypto/rsa verifies with. Throws Error; returns when only the signature itself remains to check.
 */
export function checkCsrSignatureInputs(alg: CsrSignatureAlgorithm, key: CsrKey): void {
  if (alg.hash === undefined && alg.key !== 'ed25519') throw new Error(ALGORITHM_UNIMPLEMENTED);
  if (alg.hash === 'md5') throw new Error(`x509: cannot verify signature: insecure algorithm ${alg.name}`);
  if (key.kind === 'unknown') throw new Error(ALGORITHM_UNIMPLEMENTED);
  if (alg.key !== key.kind) throw new Error(`x509: signature algorithm specifies an ${GO_KEY_NAME[alg.key!]} public key, but have public key of type ${GO_KEY_TYPE[key.kind]}`);
  if (key.kind === 'rsa') checkRsaKey(key);
}

/**
 * crypto/rsa's checks of a public key before it verifies with it (Go 1.26: checkPublicKeySize,
 * then the FIPS module's checkPublicKey). Throws Error with Go's message.
 */
export function checkRsaKey(key: Extract<CsrKey, { kind: 'rsa' }>): void {
  if (key.modulusBits < MIN_RSA_BITS) throw new Error(`crypto/rsa: ${key.modulusBits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
  if (!key.modulusOdd) throw new Error('crypto/rsa: public modulus is even');
  if (key.exponent < 2n) throw new Error('crypto/rsa: public exponent too small or negative');
  if ((key.exponent & 1n) === 0n) throw new Error('crypto/rsa: public exponent is even');
  if (key.exponent > (1n << 31n) - 1n) throw new Error('crypto/rsa: public exponent too large');
}

/** Go's verification-failure text for a key kind. */
export function verificationFailure(kind: 'rsa' | 'ecdsa' | 'ed25519'): string {
  return kind === 'rsa' ? 'crypto/rsa: verification error' : kind === 'ecdsa' ? 'x509: ECDSA verification failure' : 'x509: Ed25519 verification failure';
}
