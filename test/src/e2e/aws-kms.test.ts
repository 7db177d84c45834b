import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { ServerProcess } from './harness.js';

const keyManager = (region: string) => `KeyManager "aws_kms" {
    plugin_data {
      region = "${region}"
      key_identifier_file = "./aws_kms_server_id"
    }
  }`;

/** The SPKI of a certificate, DER, hex (what a KMS key's public half must equal). */
const spkiHex = (pem: string) => Buffer.from(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).toString('hex');

describe('KeyManager aws_kms in a real spire-server run, on the AWS emulator', { timeout: 180_000 }, () => {
  let aws: AwsEmulator;
  const server = new ServerProcess();
  const out = mkdtempSync(join(tmpdir(), 'kms-mint-'));
  let caSpki = '';

  before(async () => {
    aws = await AwsEmulator.start();
    await server.start({ keyManager: keyManager(aws.region), env: aws.env() });
  });
  after(async () => {
    await server.stop();
    await aws.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('the CA key is a KMS key under SPIRE alias, and a minted SVID verifies with openssl against the bundle', async () => {
    const serverId = readFileSync(join(server.dir, 'aws_kms_server_id'), 'utf8').trim();
    assert.match(serverId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const aliases = aws.calls('kms', 'CreateAlias').map((c) => (c.input as { AliasName: string }).AliasName);
    assert.ok(aliases.includes(`alias/SPIRE_SERVER/example_org/${serverId}/x509-CA-A`), `aliases: ${aliases.join(', ')}`);

    const bundlePem = await server.bundlePem();
    caSpki = spkiHex(bundlePem);
    const signsBefore = aws.calls('kms', 'Sign').length;
    await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
    assert.equal(aws.calls('kms', 'Sign').length - signsBefore, 1, 'one KMS Sign call for one SVID');
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), join(out, 'svid.pem')]);
    assert.equal(spkiHex(readFileSync(join(out, 'bundle.pem'), 'utf8')), caSpki);
    const text = execFileSync('openssl', ['x509', '-in', join(out, 'svid.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /URI:spiffe:\/\/example\.org\/workload/);
  });

  it('after a restart the same CA key is found again through its alias: no new KMS key', async () => {
    const created = aws.calls('kms', 'CreateKey').length;
    await server.stop({ keepDir: true });
    await server.start({ keyManager: keyManager(aws.region), env: aws.env() });
    assert.equal(spkiHex(await server.bundlePem()), caSpki);
    assert.equal(aws.calls('kms', 'CreateKey').length, created, 'no key was created on restart');
    assert.ok(aws.calls('kms', 'ListAliases').length > 0);
    await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/after-restart', '-write', out);
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), join(out, 'svid.pem')]);
  });
});
