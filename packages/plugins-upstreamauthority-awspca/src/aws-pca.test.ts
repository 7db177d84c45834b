import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, silentLogger, type Logger, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { rejectsWith, runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import { makeCa, type AwsEmulator, type CreateCaOptions } from '@spire-ts/emulator-aws';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { csrWithUris, makeUA, startAws } from './harness.test-support.js';

let aws: AwsEmulator;
const dir = mkdtempSync(join(tmpdir(), 'ua-awspca-'));
before(async () => {
  aws = await startAws();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await aws.close();
});

const data = (arn: string, extra: Record<string, unknown> = {}) => ({ region: 'us-east-1', certificate_authority_arn: arn, ...extra });

function contract(servedAs: ServedAs, o: CreateCaOptions) {
  return async () => {
    const ca = await aws.acmPca.createCertificateAuthority(o);
    const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'awsPcaUpstreamAuthority', { data: data(ca.arn) });
    return { ua: started.plugin, trustDomain: 'example.org', close: () => started.close() };
  };
}

runUpstreamAuthorityContract('aws_pca (EC root CA)', contract('in-process', {}));
runUpstreamAuthorityContract('aws_pca (RSA subordinate CA)', contract('in-process', { keyAlgorithm: 'RSA_2048', subordinate: true }));
runUpstreamAuthorityContract('aws_pca (subordinate CA; external, plugin_cmd over gRPC)', contract('external', { subordinate: true }));

async function first(it: AsyncIterable<MintX509CAResponse>): Promise<MintX509CAResponse> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}

const mint = async (ua: UpstreamAuthority, ttl = 600) => first(ua.mintX509CAAndSubscribe({ csr: await csrWithUris(['spiffe://example.org']), preferredTtlSeconds: ttl }));

describe('aws_pca minting', () => {
  it("issues with SPIRE's template and the CA's algorithm; chain without the root, the root as the bundle; openssl verifies it", async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ subordinate: true });
    const ua = await makeUA(data(ca.arn));
    const start = Math.floor(Date.now() / 1000);
    const res = await mint(ua, 900);
    const issue = aws.calls('acm-pca', 'IssueCertificate').at(-1)!.input as Record<string, unknown>;
    assert.equal(issue.TemplateArn, 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1');
    assert.equal(issue.SigningAlgorithm, 'SHA256WITHECDSA');
    const validity = issue.Validity as { Type: string; Value: number };
    assert.equal(validity.Type, 'ABSOLUTE');
    assert.ok(validity.Value >= start + 900 && validity.Value <= start + 902, String(validity.Value));
    assert.match(Buffer.from(issue.Csr as string, 'base64').toString(), /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    assert.ok(aws.calls('acm-pca', 'GetCertificate').length >= 2, 'polled through RequestInProgressException');

    assert.equal(res.x509CaChain.length, 2);
    assert.deepEqual(Buffer.from(res.x509CaChain[1]!), Buffer.from(ca.signer.cert.rawData));
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(ca.root.cert.rawData)]);
    const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1));
    assert.ok(v.ok, v.out);
    assert.match(opensslText(res.x509CaChain[0]!), /CA:TRUE, pathlen:0/);
    ua.close();
  });

  it('asks for an hour when the server gives no TTL', async () => {
    const ua = await makeUA(data((await aws.acmPca.createCertificateAuthority()).arn));
    const start = Math.floor(Date.now() / 1000);
    await mint(ua, 0);
    const value = (aws.calls('acm-pca', 'IssueCertificate').at(-1)!.input as { Validity: { Value: number } }).Validity.Value;
    assert.ok(value >= start + 3600 && value <= start + 3602, String(value));
    ua.close();
  });

  it('uses the configured signing algorithm and template', async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ keyAlgorithm: 'RSA_2048' });
    const template = 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen1/V1';
    const ua = await makeUA(data(ca.arn, { signing_algorithm: 'SHA384WITHRSA', ca_signing_template_arn: template }));
    const res = await mint(ua);
    const issue = aws.calls('acm-pca', 'IssueCertificate').at(-1)!.input as Record<string, unknown>;
    assert.equal(issue.SigningAlgorithm, 'SHA384WITHRSA');
    assert.equal(issue.TemplateArn, template);
    assert.match(opensslText(res.x509CaChain[0]!), /sha384WithRSAEncryption[\s\S]*CA:TRUE, pathlen:1/);
    ua.close();
  });

  it('adds the supplemental bundle to the roots, without repeating the root', async () => {
    const ca = await aws.acmPca.createCertificateAuthority();
    const extra = await makeCa({ subject: 'CN=Supplemental' });
    const path = join(dir, 'supplemental.pem');
    writeFileSync(path, extra.certPem + ca.root.certPem);
    const ua = await makeUA(data(ca.arn, { supplemental_bundle_path: path }));
    const res = await mint(ua);
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(ca.root.cert.rawData), Buffer.from(extra.cert.rawData)]);
    assert.equal(res.x509CaChain.length, 1);
    ua.close();
  });

  it('reports ACM PCA refusing the CSR (a CA that is not active)', async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ status: 'DISABLED' });
    const warns: unknown[] = [];
    const log = Object.assign(Object.create(silentLogger()) as Logger, { warn: (...a: unknown[]) => warns.push(a) });
    const ua = await makeUA(data(ca.arn), log);
    assert.deepEqual(warns, [[{ certificate_authority_arn: ca.arn, status: 'DISABLED' }, 'Certificate is in an invalid state for issuance']]);
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed submitting CSR: InvalidStateException: The certificate authority is in the DISABLED state.');
    ua.close();
  });

  it('gives up waiting after the wait limit', async () => {
    const ua = await makeUA(data((await aws.acmPca.createCertificateAuthority()).arn), silentLogger(), { maxWaitMs: 200, minDelayMs: 20 });
    aws.acmPca.inProgressPolls = 1_000_000;
    try {
      await rejectsWith(mint(ua), Code.INTERNAL, /^failed waiting for issuance: certificate arn:aws:acm-pca:.*\/certificate\/[0-9a-f]{32} was not issued within 0\.2s$/);
    } finally {
      aws.acmPca.inProgressPolls = 1;
      ua.close();
    }
  });

  it('stops waiting on another GetCertificate error', async () => {
    const ua = await makeUA(data((await aws.acmPca.createCertificateAuthority()).arn));
    aws.fail('acm-pca', 'GetCertificate', 'AccessDeniedException', 'not allowed', 400, 1);
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed waiting for issuance: AccessDeniedException: not allowed');
    ua.close();
  });

  it('says publishing JWT keys is unsupported', async () => {
    const ua = await makeUA(data((await aws.acmPca.createCertificateAuthority()).arn));
    const it = ua.publishJWTKeyAndSubscribe()[Symbol.asyncIterator]();
    await rejectsWith(it.next(), Code.UNIMPLEMENTED, 'publishing upstream is unsupported');
    ua.close();
  });
});

describe('aws_pca configuration against ACM PCA', () => {
  it('names a CA that does not exist', async () => {
    const arn = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/00000000-0000-0000-0000-000000000000';
    await rejectsWith(makeUA(data(arn)), Code.INTERNAL, `failed to describe CertificateAuthority: ResourceNotFoundException: Could not find certificate authority ${arn}.`);
  });

  it('names a supplemental bundle it cannot read', async () => {
    const ca = await aws.acmPca.createCertificateAuthority();
    await rejectsWith(makeUA(data(ca.arn, { supplemental_bundle_path: join(dir, 'missing.pem') })), Code.INVALID_ARGUMENT, /^failed to load supplemental bundle: ENOENT/);
  });

  it('reaches ACM PCA through the endpoint option alone', async () => {
    const ca = await aws.acmPca.createCertificateAuthority();
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      const ua = await makeUA(data(ca.arn, { endpoint: aws.url }));
      assert.equal((await mint(ua)).x509CaChain.length, 1);
      ua.close();
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('calls ACM PCA as the assumed role, in the configured region', async () => {
    const ca = await aws.acmPca.createCertificateAuthority();
    const role = 'arn:aws:iam::444455556666:role/spire-pca';
    const ua = await makeUA(data(ca.arn, { region: 'us-west-2', assume_role_arn: role }));
    assert.equal(aws.sts.assumed.filter((a) => a.roleArn === role).length, 1);
    assert.equal(aws.calls('acm-pca', 'DescribeCertificateAuthority').at(-1)?.region, 'us-west-2');
    ua.close();
  });
});

describe('aws_pca CSR checks', () => {
  for (const [what, uris, message] of [
    ['a URI SAN of another trust domain', ['spiffe://other.org'], 'invalid CSR: CSR with SPIFFE ID "spiffe://other.org" is invalid: must use the trust domain ID for trust domain "example.org"'],
    ['an extra URI SAN', ['spiffe://example.org', 'spiffe://example.org/extra'], 'invalid CSR: CSR must have exactly one URI SAN'],
  ] as const) {
    it(`refuses a CSR with ${what} before asking ACM PCA`, async () => {
      const ua = await makeUA(data((await aws.acmPca.createCertificateAuthority()).arn));
      const issued = aws.calls('acm-pca', 'IssueCertificate').length;
      await rejectsWith(first(ua.mintX509CAAndSubscribe({ csr: await csrWithUris(uris), preferredTtlSeconds: 600 })), Code.INVALID_ARGUMENT, message);
      assert.equal(aws.calls('acm-pca', 'IssueCertificate').length, issued);
      ua.close();
    });
  }
});
