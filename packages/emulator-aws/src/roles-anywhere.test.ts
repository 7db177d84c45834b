import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTrustAnchorCommand, GetTrustAnchorCommand, RolesAnywhereClient, UpdateTrustAnchorCommand } from '@aws-sdk/client-rolesanywhere';
import { makeCa } from './acm-pca-ca.js';
import { AwsEmulator } from './emulator.js';

describe('AwsEmulator: IAM Roles Anywhere', () => {
  let aws: AwsEmulator;
  let ra: RolesAnywhereClient;
  let pems: string[];
  before(async () => {
    aws = await AwsEmulator.start();
    ra = new RolesAnywhereClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, maxAttempts: 1 });
    pems = await Promise.all([1, 2, 3].map(async (i) => (await makeCa({ subject: `CN=ca${i}` })).certPem));
  });
  after(async () => {
    ra.destroy();
    await aws.close();
  });

  const bundle = (p: string) => ({ sourceType: 'CERTIFICATE_BUNDLE' as const, sourceData: { x509CertificateData: p } });

  it('creates, reads and updates a trust anchor', async () => {
    const created = await ra.send(new CreateTrustAnchorCommand({ name: 'spire', source: bundle(pems[0]!), enabled: true }));
    const id = created.trustAnchor!.trustAnchorId!;
    assert.match(created.trustAnchor!.trustAnchorArn!, /^arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor\//);
    const updated = await ra.send(new UpdateTrustAnchorCommand({ trustAnchorId: id, source: bundle(pems[0]! + pems[1]!) }));
    assert.equal(updated.trustAnchor?.name, 'spire');
    assert.ok(updated.trustAnchor?.updatedAt instanceof Date);
    const got = await ra.send(new GetTrustAnchorCommand({ trustAnchorId: id }));
    assert.equal(got.trustAnchor?.source?.sourceData && 'x509CertificateData' in got.trustAnchor.source.sourceData ? got.trustAnchor.source.sourceData.x509CertificateData : '', pems[0]! + pems[1]!);
    assert.equal(aws.rolesAnywhere.trustAnchors.get(id)?.source.sourceData.x509CertificateData, pems[0]! + pems[1]!);
  });

  it('refuses more than two certificates, keeping the old source', async () => {
    const ta = aws.rolesAnywhere.createTrustAnchor('three', pems[0]!);
    await assert.rejects(ra.send(new UpdateTrustAnchorCommand({ trustAnchorId: ta.trustAnchorId, source: bundle(pems.join('')) })), {
      name: 'ValidationException',
      message: 'Certificate bundle contains 3 certificates; a trust anchor accepts at most 2',
    });
    assert.equal(ta.source.sourceData.x509CertificateData, pems[0]);
  });

  it('answers ResourceNotFoundException for an unknown trust anchor', async () => {
    await assert.rejects(ra.send(new GetTrustAnchorCommand({ trustAnchorId: '00000000-0000-0000-0000-000000000000' })), { name: 'ResourceNotFoundException' });
  });
});
