import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * The SSH wire formats sshpop needs (RFC 4251 strings and mpints, RFC 4253/5656/8709 public keys
 * and signatures, OpenSSH's PROTOCOL.certkeys certificates), read into node:crypto keys. Only
 * what SPIRE's golang.org/x/crypto/ssh accepts for host certificates is supported: RSA, ECDSA
 * (P-256/384/521) and Ed25519; DSA and security-key (sk-*) types are refused.
 */

/** A malformed or unsupported SSH structure. */
export class SshWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshWireError';
  }
}

class Reader {
  off = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new SshWireError('ssh: short read');
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.off);
    this.off += 8;
    return v;
  }
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  str(): string {
    return this.bytes().toString('utf8');
  }
  /** An mpint as unsigned big-endian bytes without leading zeros; negative values are refused. */
  mpint(): Buffer {
    const b = this.bytes();
    if (b.length > 0 && (b[0]! & 0x80) !== 0) throw new SshWireError('ssh: negative mpint');
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }
  rest(): Buffer {
    return this.buf.subarray(this.off);
  }
  done(): boolean {
    return this.off === this.buf.length;
  }
}

/** Encodes an SSH string. */
export function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function mpintBytes(unsigned: Buffer): Buffer {
  return unsigned.length > 0 && (unsigned[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned;
}

const curves: Record<string, { id: string; jwk: string; size: number; hash: string }> = {
  'ecdsa-sha2-nistp256': { id: 'nistp256', jwk: 'P-256', size: 32, hash: 'sha256' },
  'ecdsa-sha2-nistp384': { id: 'nistp384', jwk: 'P-384', size: 48, hash: 'sha384' },
  'ecdsa-sha2-nistp521': { id: 'nistp521', jwk: 'P-521', size: 66, hash: 'sha512' },
};

/** A public key read from its wire blob. `blob` is the canonical encoding (what fingerprints hash). */
export interface SshPublicKey {
  type: string;
  key: KeyObject;
  blob: Buffer;
}

const b64u = (b: Buffer) => b.toString('base64url');

/** Reads the type-specific public fields that follow `type` (in a key blob or a certificate). */
function readKeyFields(type: string, r: Reader): { key: KeyObject; canonical: Buffer } {
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    if (n.length === 0 || e.length === 0) throw new SshWireError('ssh: invalid RSA key');
    const key = createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
    return { key, canonical: Buffer.concat([sshString(type), sshString(mpintBytes(e)), sshString(mpintBytes(n))]) };
  }
  const curve = curves[type];
  if (curve) {
    const id = r.str();
    if (id !== curve.id) throw new SshWireError('ssh: curve mismatch');
    const q = r.bytes();
    if (q.length !== 1 + 2 * curve.size || q[0] !== 4) throw new SshWireError('ssh: invalid ECDSA point');
    const key = createPublicKey({
      key: { kty: 'EC', crv: curve.jwk, x: b64u(q.subarray(1, 1 + curve.size)), y: b64u(q.subarray(1 + curve.size)) },
      format: 'jwk',
    });
    return { key, canonical: Buffer.concat([sshString(type), sshString(id), sshString(q)]) };
  }
  if (type === 'ssh-ed25519') {
    const pk = r.bytes();
    if (pk.length !== 32) throw new SshWireError('ssh: invalid size for Ed25519 key');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(pk) }, format: 'jwk' });
    return { key, canonical: Buffer.concat([sshString(type), sshString(pk)]) };
  }
  throw new SshWireError(`ssh: unknown key algorithm: ${type}`);
}

/** Parses a plain public key blob. Throws SshWireError. */
export function parsePublicKeyBlob(blob: Buffer): SshPublicKey {
  const r = new Reader(blob);
  const type = r.str();
  if (type.endsWith('-cert-v01@openssh.com')) throw new SshWireError('ssh: a certificate cannot be used here');
  const { key, canonical } = readKeyFields(type, r);
  if (!r.done()) throw new SshWireError('ssh: trailing junk in public key');
  return { type, key, blob: canonical };
}

/** CertTimeInfinity: valid_before of a certificate that never expires. */
export const CERT_TIME_INFINITY = 0xffffffffffffffffn;
export const HOST_CERT = 2;

/** An OpenSSH certificate, with Go's field names where templates may read them. */
export interface SshCertificate {
  /** The whole certificate blob (what SPIRE's fingerprint hashes). */
  raw: Buffer;
  /** The bytes the CA signed: the blob up to the signature field. */
  signed: Buffer;
  type: string;
  key: SshPublicKey;
  nonce: Buffer;
  serial: bigint;
  certType: number;
  keyId: string;
  validPrincipals: string[];
  validAfter: bigint;
  validBefore: bigint;
  criticalOptions: Map<string, string>;
  extensions: Map<string, string>;
  reserved: Buffer;
  signatureKey: SshPublicKey;
  signature: SshSignature;
}

/** An SSH signature: its format name and blob (golang.org/x/crypto/ssh.Signature). */
export interface SshSignature {
  format: string;
  blob: Buffer;
  rest?: Buffer;
}

function readOptions(b: Buffer): Map<string, string> {
  const r = new Reader(b);
  const out = new Map<string, string>();
  let prev: string | undefined;
  while (!r.done()) {
    const name = r.str();
    const data = r.bytes();
    if (prev !== undefined && name <= prev) throw new SshWireError('ssh: certificate options are not in lexical order');
    prev = name;
    // A non-empty value is itself an SSH string.
    out.set(name, data.length > 0 ? new Reader(data).str() : '');
  }
  return out;
}

function readSignature(b: Buffer): SshSignature {
  const r = new Reader(b);
  const format = r.str();
  const blob = r.bytes();
  const rest = r.rest();
  return rest.length > 0 ? { format, blob, rest } : { format, blob };
}

/**
 * Parses a certificate blob (the base64-decoded middle of a `*-cert.pub` line). Throws
 * SshWireError when it is not a certificate of a supported type or is malformed.
 */
export function parseCertificate(raw: Buffer): SshCertificate {
  const r = new Reader(raw);
  const type = r.str();
  const suffix = '-cert-v01@openssh.com';
  if (!type.endsWith(suffix)) throw new SshWireError('pubkey in response is not a certificate');
  const keyType = type.slice(0, -suffix.length);
  const nonce = r.bytes();
  const { key, canonical } = readKeyFields(keyType, r);
  const serial = r.u64();
  const certType = r.u32();
  const keyId = r.str();
  const principalsRaw = new Reader(r.bytes());
  const validPrincipals: string[] = [];
  while (!principalsRaw.done()) validPrincipals.push(principalsRaw.str());
  const validAfter = r.u64();
  const validBefore = r.u64();
  const criticalOptions = readOptions(r.bytes());
  const extensions = readOptions(r.bytes());
  const reserved = r.bytes();
  const signatureKeyBlob = r.bytes();
  const signedEnd = r.off;
  const signature = readSignature(r.bytes());
  if (!r.done()) throw new SshWireError('ssh: trailing junk in certificate');
  let signatureKey: SshPublicKey;
  try {
    signatureKey = parsePublicKeyBlob(signatureKeyBlob);
  } catch (e) {
    throw new SshWireError(`ssh: invalid signature key: ${(e as Error).message}`);
  }
  return {
    raw,
    signed: raw.subarray(0, signedEnd),
    type,
    key: { type: keyType, key, blob: canonical },
    nonce,
    serial,
    certType,
    keyId,
    validPrincipals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    reserved,
    signatureKey,
    signature,
  };
}

const rsaFormats: Record<string, string> = { 'ssh-rsa': 'sha1', 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512' };

/**
 * Verifies an SSH signature over `data` with `pub`, accepting the formats Go's ssh package
 * accepts for that key type. Throws SshWireError when the format does not fit the key or the
 * signature does not verify.
 */
export function verifySshSignature(pub: SshPublicKey, data: Buffer, sig: SshSignature): void {
  let ok = false;
  if (pub.type === 'ssh-rsa') {
    const hash = rsaFormats[sig.format];
    if (!hash) throw new SshWireError(`ssh: signature type ${sig.format} for key type ${pub.type}`);
    const size = Math.ceil((pub.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (sig.blob.length > size) throw new SshWireError('ssh: signature size is larger than the key size');
    const blob = Buffer.concat([Buffer.alloc(size - sig.blob.length), sig.blob]);
    ok = verify(hash, data, pub.key, blob);
  } else if (curves[pub.type]) {
    if (sig.format !== pub.type) throw new SshWireError(`ssh: signature type ${sig.format} for key type ${pub.type}`);
    const c = curves[pub.type]!;
    const r = new Reader(sig.blob);
    const rr = r.mpint();
    const ss = r.mpint();
    if (!r.done() || rr.length > c.size || ss.length > c.size) throw new SshWireError('ssh: malformed ECDSA signature');
    const pad = (b: Buffer) => Buffer.concat([Buffer.alloc(c.size - b.length), b]);
    ok = verify(c.hash, data, { key: pub.key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([pad(rr), pad(ss)]));
  } else if (pub.type === 'ssh-ed25519') {
    if (sig.format !== pub.type) throw new SshWireError(`ssh: signature type ${sig.format} for key type ${pub.type}`);
    if (sig.blob.length !== 64) throw new SshWireError('ssh: invalid Ed25519 signature size');
    ok = verify(null, data, pub.key, sig.blob);
  }
  if (!ok) throw new SshWireError('ssh: signature did not verify');
}

/**
 * Parses one authorized_keys line (`[options] <type> <base64> [comment]`) into a public key.
 * Throws SshWireError when there is no key on the line.
 */
export function parseAuthorizedKey(line: string): SshPublicKey {
  const fields = line.trim().split(/\s+/);
  for (let i = 0; i < Math.min(fields.length, 2); i++) {
    const [type, b64] = [fields[i]!, fields[i + 1]];
    if (b64 === undefined || !/^(ssh-|ecdsa-)/.test(type)) continue;
    const blob = Buffer.from(b64, 'base64');
    const key = parsePublicKeyBlob(blob);
    if (key.type !== type) throw new SshWireError(`ssh: key type ${type} does not match its blob (${key.type})`);
    return key;
  }
  throw new SshWireError('ssh: no key found');
}
