import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ACMPCAClient, DescribeCertificateAuthorityCommand, GetCertificateCommand, IssueCertificateCommand, waitUntilCertificateIssued } from '@aws-sdk/client-acm-pca';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import * as x509 from './acm-pca-x509.js';
import { AwsEmulator } from './emulator.js';

const PATHLEN0 = 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1';

const csrPem = async (uri: string) => (await makeCaCsr([uri])).pem;

describe('AwsEmulator: ACM PCA', () => {
  let aws: AwsEmulator;
  let pca: ACMPCAClient;
  before(async () => {
    aws = await AwsEmulator.start();
    pca = new ACMPCAClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, maxAttempts: 1 });
  });
  after(async () => {
    pca.destroy();
    await aws.close();
  });

  it('describes a CA with its status and algorithms', async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ keyAlgorithm: 'RSA_2048' });
    const out = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: ca.arn }));
    assert.equal(out.CertificateAuthority?.Status, 'ACTIVE');
    assert.equal(out.CertificateAuthority?.Type, 'ROOT');
    assert.equal(out.CertificateAuthority?.CertificateAuthorityConfiguration?.KeyAlgorithm, 'RSA_2048');
    assert.equal(out.CertificateAuthority?.CertificateAuthorityConfiguration?.SigningAlgorithm, 'SHA256WITHRSA');
  });

  it('issues a PathLen0 CA from the CSR, in progress at first, then with the chain up to the root', async () => {
    const ca = await aws.acmPca.createCertificateAuthority({ subordinate: true });
    const end = Math.floor(Date.now() / 1000) + 3600;
    const issued = await pca.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: ca.arn,
        Csr: Buffer.from(await csrPem('spiffe://example.org')),
        SigningAlgorithm: 'SHA256WITHECDSA',
        TemplateArn: PATHLEN0,
        Validity: { Type: 'ABSOLUTE', Value: end },
      }),
    );
    const input = { CertificateAuthorityArn: ca.arn, CertificateArn: issued.CertificateArn };
    await assert.rejects(pca.send(new GetCertificateCommand(input)), { name: 'RequestInProgressException' });
    const waited = await waitUntilCertificateIssued({ client: pca, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, input);
    assert.equal(waited.state, 'SUCCESS');
    const out = await pca.send(new GetCertificateCommand(input));
    const cert = new X509Certificate(out.Certificate!);
    const chain = x509.PemConverter.decode(out.CertificateChain!).map((d) => new X509Certificate(Buffer.from(d)));
    assert.equal(chain.length, 2);
    assert.ok(cert.verify(chain[0]!.publicKey) && chain[0]!.verify(chain[1]!.publicKey));
    assert.equal(chain[1]!.subject, chain[1]!.issuer, 'the last of the chain is the root');
    assert.equal(cert.ca, true);
    assert.equal(cert.subjectAltName, 'URI:spiffe://example.org');
    assert.equal(Date.parse(cert.validTo), end * 1000);
    const bc = new x509.X509Certificate(out.Certificate!).getExtension(x509.BasicConstraintsExtension)!;
    assert.equal(bc.pathLength, 0);
    const ku = new x509.X509Certificate(out.Certificate!).getExtension(x509.KeyUsagesExtension)!;
    assert.equal(ku.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  });

  it('refuses an unknown CA, a malformed CSR, a signing algorithm unfit for the key and a CA that is not active', async () => {
    const ca = await aws.acmPca.createCertificateAuthority();
    const base = { CertificateAuthorityArn: ca.arn, SigningAlgorithm: 'SHA256WITHECDSA' as const, TemplateArn: PATHLEN0, Validity: { Type: 'ABSOLUTE' as const, Value: Math.floor(Date.now() / 1000) + 600 } };
    const csr = Buffer.from(await csrPem('spiffe://example.org'));
    await assert.rejects(pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: `${ca.arn.slice(0, -4)}0000` })), { name: 'ResourceNotFoundException' });
    await assert.rejects(pca.send(new IssueCertificateCommand({ ...base, Csr: Buffer.from('nope') })), { name: 'MalformedCSRException' });
    await assert.rejects(pca.send(new IssueCertificateCommand({ ...base, Csr: csr, SigningAlgorithm: 'SHA256WITHRSA' })), { name: 'InvalidArgsException' });
    ca.status = 'DISABLED';
    await assert.rejects(pca.send(new IssueCertificateCommand({ ...base, Csr: csr })), { name: 'InvalidStateException' });
  });
});
