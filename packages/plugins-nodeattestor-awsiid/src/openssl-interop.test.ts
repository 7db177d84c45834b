import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { buildIidDocument, iidPayload } from '@spire-ts/emulator-aws';
import { verifyIdentityPayload } from './iid-verify.js';
import { RegionCerts } from './region-certs.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// PKCS#7 made by OpenSSL (as the testing notes sign documents), not by our own signer.
describe('aws_iid: PKCS#7 signed by openssl smime', { skip: !hasOpenssl() && 'openssl not installed' }, () => {
  let dir: string;
  let certs: RegionCerts;
  const doc = buildIidDocument({ accountId: '111122223333', region: 'eu-west-1', instanceId: 'i-0cccccccccccccccc' });
  /** The document signed by `openssl smime` with the test key, DER PKCS#7 in base64. */
  const smime = (...extra: string[]): string => {
    const out = join(dir, 'p7');
    const args = ['smime', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-signer', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-in', join(dir, 'doc'), '-out', out];
    execFileSync('openssl', [...args, ...extra], { stdio: 'ignore' });
    return readFileSync(out).toString('base64');
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aws-iid-openssl-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=test aws'], { stdio: 'ignore' });
    writeFileSync(join(dir, 'doc'), doc);
    certs = new RegionCerts({ 'eu-west-1': readFileSync(join(dir, 'c.pem'), 'utf8') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies with signed attributes and the certificate embedded (which is ignored)', () => {
    assert.equal(verifyIdentityPayload(iidPayload({ document: doc, signature: '', rsa2048: smime() }), certs).instanceId, 'i-0cccccccccccccccc');
  });

  it('verifies without signed attributes or certificates', () => {
    assert.equal(verifyIdentityPayload(iidPayload({ document: doc, signature: '', rsa2048: smime('-noattr', '-nocerts') }), certs).region, 'eu-west-1');
  });

  it('refuses it for another document', async () => {
    const other = buildIidDocument({ accountId: '999988887777', region: 'eu-west-1', instanceId: 'i-0dddddddddddddddd' });
    await rejectsWith(
      (async () => verifyIdentityPayload(iidPayload({ document: other, signature: '', rsa2048: smime() }), certs))(),
      Code.INVALID_ARGUMENT,
      'instance identity document does not match the verified PKCS7 content',
    );
  });
});
