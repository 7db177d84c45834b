import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INSECURE = '(see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)';

/**
 * One kind of CSR `openssl req` makes, and SPIRE's verdict on it (Go 1.26 x509, see
 * x509/csr-policy.ts): `parse` is the "malformed CSR" reason, `verify` the signature-check reason;
 * both undefined when SPIRE signs it.
 */
export interface CsrCase {
  label: string;
  /** Arguments to `openssl req -new` after `-newkey`. */
  newkey: string[];
  /** Extra arguments (digest, -sigopt). */
  extra?: string[];
  parse?: string;
  verify?: string;
}

const ec = (curve: string, explicit = false) => ['ec', '-pkeyopt', `ec_paramgen_curve:${curve}`, ...(explicit ? ['-pkeyopt', 'ec_param_enc:explicit'] : [])];

/** Every key and signature kind the issue names, with SPIRE's verdicts. */
export const CSR_CASES: readonly CsrCase[] = [
  { label: 'RSA-512', newkey: ['rsa:512'], verify: `crypto/rsa: 512-bit keys are insecure ${INSECURE}` },
  { label: 'RSA-1023', newkey: ['rsa:1023'], verify: `crypto/rsa: 1023-bit keys are insecure ${INSECURE}` },
  { label: 'RSA-1024', newkey: ['rsa:1024'] },
  { label: 'RSA-2048', newkey: ['rsa:2048'] },
  { label: 'RSA-2048 SHA-1', newkey: ['rsa:2048'], extra: ['-sha1'] },
  { label: 'RSA-2048 SHA-512', newkey: ['rsa:2048'], extra: ['-sha512'] },
  { label: 'RSA-2048 MD5', newkey: ['rsa:2048'], extra: ['-md5'], verify: 'x509: cannot verify signature: insecure algorithm MD5-RSA' },
  { label: 'RSA-2048 PSS, salt = hash length', newkey: ['rsa:2048'], extra: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] },
  { label: 'RSA-2048 PSS SHA-384, salt = hash length', newkey: ['rsa:2048'], extra: ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'] },
  // OpenSSL's default PSS salt is the largest that fits; Go knows only salt = hash length.
  { label: 'RSA-2048 PSS, maximal salt', newkey: ['rsa:2048'], extra: ['-sigopt', 'rsa_padding_mode:pss'], verify: 'x509: cannot verify signature: algorithm unimplemented' },
  { label: 'RSA-PSS key (id-RSASSA-PSS)', newkey: ['rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'], verify: 'x509: cannot verify signature: algorithm unimplemented' },
  { label: 'P-224', newkey: ec('P-224') },
  { label: 'P-256', newkey: ec('P-256') },
  { label: 'P-256 SHA-1', newkey: ec('P-256'), extra: ['-sha1'] },
  { label: 'P-384', newkey: ec('P-384'), extra: ['-sha384'] },
  { label: 'P-521', newkey: ec('P-521'), extra: ['-sha512'] },
  { label: 'secp256k1', newkey: ec('secp256k1'), parse: 'x509: unsupported elliptic curve' },
  { label: 'brainpoolP256r1', newkey: ec('brainpoolP256r1'), parse: 'x509: unsupported elliptic curve' },
  { label: 'P-256 with explicit parameters', newkey: ec('P-256', true), parse: 'x509: invalid ECDSA parameters' },
  { label: 'Ed25519', newkey: ['ed25519'] },
  { label: 'Ed448', newkey: ['ed448'], verify: 'x509: cannot verify signature: algorithm unimplemented' },
];

/**
 * A DER CSR for `c` made by `openssl req` with one URI SAN (`uri`). Throws when openssl fails.
 * RSA keys take a moment to generate: build each case once per test file.
 */
export function opensslCsr(c: CsrCase, uri: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'csr-openssl-'));
  try {
    const out = join(dir, 'req.der');
    const args = ['req', '-new', '-nodes', '-newkey', ...c.newkey, ...(c.extra ?? []), '-keyout', join(dir, 'key.pem'), '-subj', '/O=test', '-addext', `subjectAltName=URI:${uri}`, '-outform', 'DER', '-out', out];
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req (${c.label}) failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
