import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bagCertificates, isSignerOf, parsePkcs7, verifyPkcs7Signers, type Pkcs7Certificate } from './pkcs7.js';

const dir = mkdtempSync(join(tmpdir(), 'pkcs7-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed signer made by openssl, and a PKCS#7 SignedData of `content` made by `openssl cms -sign`. */
function opensslSigned(name: string, keyAlg: string[], content: string, extra: string[] = []) {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', ...keyAlg, '-nodes', '-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-days', '1'], { stdio: 'ignore' });
  const input = join(dir, `${name}.txt`);
  writeFileSync(input, content);
  const der = execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-in', input, '-signer', cert, '-inkey', key, '-outform', 'DER', ...extra]);
  const bag = bagCertificates(parsePkcs7(der));
  return { der, signer: bag[0]! };
}

const trust = (c: Pkcs7Certificate) => (si: Parameters<typeof isSignerOf>[0]) => (isSignerOf(si, c) ? c.x509 : undefined);

describe('PKCS#7 SignedData made by openssl', () => {
  const rsa = opensslSigned('rsa', ['rsa:2048'], '{"vmId":"a"}');
  const ec = opensslSigned('ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'hello', ['-noattr']);
  const other = opensslSigned('other', ['rsa:2048'], 'x');

  it('reads the content and the bag, and verifies RSA (signed attributes) and ECDSA (none) signers', () => {
    for (const [m, content] of [[rsa, '{"vmId":"a"}'], [ec, 'hello']] as const) {
      const msg = parsePkcs7(m.der);
      assert.equal(msg.content.toString(), content);
      assert.equal(m.signer.x509.subject, `CN=${m === rsa ? 'rsa' : 'ec'}`);
      verifyPkcs7Signers(msg, trust(m.signer));
    }
  });

  it('refuses a signer it is not given, in the Go libraries\' words', () => {
    assert.throws(() => verifyPkcs7Signers(parsePkcs7(rsa.der), trust(other.signer)), { message: 'pkcs7: No certificate for signer' });
  });

  it('refuses changed content: a digest mismatch with signed attributes, a bad signature without', () => {
    const msg = parsePkcs7(rsa.der);
    assert.throws(() => verifyPkcs7Signers({ ...msg, content: Buffer.from('{"vmId":"b"}') }, trust(rsa.signer)), /^Error: pkcs7: Message digest mismatch\n\tExpected: [0-9A-F]{64}\n\tActual {2}: [0-9A-F]{64}$/);
    const ecMsg = parsePkcs7(ec.der);
    assert.throws(() => verifyPkcs7Signers({ ...ecMsg, content: Buffer.from('hellO') }, trust(ec.signer)), { message: 'x509: ECDSA verification failure' });
  });

  it('refuses a message without signers and a content type other than SignedData', () => {
    const msg = parsePkcs7(rsa.der);
    msg.signedData.signerInfos.length = 0;
    assert.throws(() => verifyPkcs7Signers(msg, trust(rsa.signer)), { message: 'pkcs7: Message has no signers' });
    const data = execFileSync('openssl', ['cms', '-data_create', '-in', join(dir, 'rsa.txt'), '-outform', 'DER']);
    assert.throws(() => parsePkcs7(data), { message: 'pkcs7: cannot parse data: unimplemented content type 1.2.840.113549.1.7.1' });
  });
});
