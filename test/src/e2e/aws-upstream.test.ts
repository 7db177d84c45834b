import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { ServerProcess } from './harness.js';

const fingerprints = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);

const until = async (what: string, cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Mints an SVID through the CLI and checks it with openssl: leaf → server CA → … → the trust bundle. */
async function mintAndVerify(server: ServerProcess, out: string): Promise<void> {
  await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
  execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), '-untrusted', join(out, 'svid.pem'), join(out, 'svid.pem')]);
}

describe('AWS UpstreamAuthorities and the Roles Anywhere publisher in real spire-server runs, on the AWS emulator', { timeout: 240_000 }, () => {
  let aws: AwsEmulator;
  const out = mkdtempSync(join(tmpdir(), 'aws-ua-'));
  const servers: ServerProcess[] = [];
  before(async () => {
    aws = await AwsEmulator.start();
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await aws.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('awssecret: the server CA chains to the CA held in Secrets Manager, and the bundle reaches a Roles Anywhere trust anchor', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ intermediate: true });
    const anchor = aws.rolesAnywhere.createTrustAnchor('spire', seeded.root.certPem);
    const server = new ServerProcess();
    servers.push(server);
    await server.start({
      env: aws.env(),
      extraPlugins: `UpstreamAuthority "awssecret" {
    plugin_data {
      region = "${aws.region}"
      cert_file_arn = "${seeded.certArn}"
      key_file_arn = "${seeded.keyArn}"
      bundle_file_arn = "${seeded.bundleArn}"
    }
  }
  BundlePublisher "aws_rolesanywhere_trustanchor" {
    plugin_data {
      region = "${aws.region}"
      trust_anchor_id = "${anchor.trustAnchorId}"
    }
  }`,
    });
    assert.deepEqual(fingerprints(await server.bundlePem()), fingerprints(seeded.root.certPem), 'the trust bundle is the upstream root');
    assert.equal(aws.calls('secretsmanager', 'GetSecretValue').length, 3);
    await mintAndVerify(server, out);
    const chain = fingerprints(readFileSync(join(out, 'svid.pem'), 'utf8'));
    assert.equal(chain.length, 3, 'leaf, server CA, upstream intermediate');
    assert.equal(chain[2], new X509Certificate(seeded.ca.certPem).fingerprint256);

    await until('the trust anchor update', () => aws.calls('rolesanywhere').some((c) => c.operation.startsWith('PATCH')), 40_000);
    assert.deepEqual(fingerprints(anchor.source.sourceData.x509CertificateData ?? ''), fingerprints(seeded.root.certPem));
  });

  it('aws_pca: the server CA is issued by ACM Private CA with SPIRE\'s template, and chains to the private CA root', async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ subordinate: true });
    const server = new ServerProcess();
    servers.push(server);
    await server.start({
      env: aws.env(),
      extraPlugins: `UpstreamAuthority "aws_pca" {
    plugin_data {
      region = "${aws.region}"
      certificate_authority_arn = "${ca.arn}"
    }
  }`,
    });
    assert.deepEqual(fingerprints(await server.bundlePem()), fingerprints(ca.root.certPem));
    const issue = aws.calls('acm-pca', 'IssueCertificate').at(-1)?.input as { TemplateArn: string; SigningAlgorithm: string; Validity: { Type: string } };
    assert.equal(issue.TemplateArn, 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1');
    assert.equal(issue.SigningAlgorithm, ca.signingAlgorithm);
    assert.equal(issue.Validity.Type, 'ABSOLUTE');
    assert.ok(aws.calls('acm-pca', 'GetCertificate').length >= 2, 'the plugin waited through RequestInProgressException');
    await mintAndVerify(server, out);
  });
});
