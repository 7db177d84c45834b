import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSR_CASES, opensslCsr } from '../test-support/openssl-csrs.js';
import { parseCsr, verifyCsr } from './csr.js';

// SPIRE reads a CSR with Go's x509.ParseCertificateRequest, then CheckSignature: the first
// refusal is a "malformed CSR", the second an "invalid CSR signature". This CA must reach the
// same verdict, with Go's reason, for every kind of CSR openssl makes.
const csrs = CSR_CASES.map((c) => ({ c, der: opensslCsr(c, 'spiffe://example.org/w') }));

function verdict(der: Uint8Array): { parse?: string; verify?: string } {
  let csr;
  try {
    csr = parseCsr(der);
  } catch (err) {
    return { parse: (err as Error).message };
  }
  try {
    verifyCsr(csr);
  } catch (err) {
    return { verify: (err as Error).message };
  }
  return {};
}

test('CSR key policy: the CA accepts exactly the CSR keys and signatures SPIRE (Go 1.26 x509) accepts, refusing the rest in Go words', () => {
  for (const { c, der } of csrs) {
    const want: { parse?: string; verify?: string } = {};
    if (c.parse) want.parse = c.parse;
    if (c.verify) want.verify = c.verify;
    assert.deepEqual(verdict(der), want, c.label);
  }
});

test('CSR key policy: a signature that does not verify is refused in Go words, per key kind', () => {
  const expect: Record<string, string> = {
    'RSA-2048': 'crypto/rsa: verification error',
    'RSA-2048 PSS, salt = hash length': 'crypto/rsa: verification error',
    'P-224': 'x509: ECDSA verification failure',
    'P-256': 'x509: ECDSA verification failure',
    'P-521': 'x509: ECDSA verification failure',
    Ed25519: 'x509: Ed25519 verification failure',
  };
  for (const { c, der } of csrs) {
    const why = expect[c.label];
    if (!why) continue;
    const bad = Uint8Array.from(der);
    bad[bad.length - 3]! ^= 0x01;
    assert.deepEqual(verdict(bad), { verify: why }, c.label);
  }
});
