import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, formatPluginBundle, silentLogger, TrustDomain, type BundlePublisher, type PluginBundle } from '@spire-ts/core/plugin';
import { realBundle, rejectsWith } from '@spire-ts/core/plugin/testing';
import { AwsEmulator, makeCa } from '@spire-ts/emulator-aws';
import { awsRolesAnywhereBundlePublisher } from './index.js';

const PATCH = 'PATCH /trustanchor/{trustAnchorId}';
let aws: AwsEmulator;
before(async () => {
  aws = await AwsEmulator.start();
  Object.assign(process.env, aws.env());
});
after(async () => aws.close());

async function publisherFor(raw: Record<string, unknown>): Promise<BundlePublisher> {
  const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };
  const parsed = awsRolesAnywhereBundlePublisher.parseConfig(raw, core);
  assert.deepEqual(parsed.problems, []);
  return awsRolesAnywhereBundlePublisher.create({ config: parsed.config!, log: silentLogger(), ...core, host: {} });
}

async function anchor(name: string) {
  return aws.rolesAnywhere.createTrustAnchor(name, (await makeCa({ subject: `CN=${name}` })).certPem);
}

const merged = (bundles: PluginBundle[]): PluginBundle => ({ ...bundles[0]!, x509Authorities: bundles.flatMap((b) => b.x509Authorities) });

describe('aws_rolesanywhere_trustanchor against IAM Roles Anywhere', () => {
  it('puts the X.509 authorities as PEM in the trust anchor, once per bundle, in the configured region', async () => {
    const ta = await anchor('spire');
    const p = await publisherFor({ region: 'eu-west-1', trust_anchor_id: ta.trustAnchorId, access_key_id: 'AKIASTATIC', secret_access_key: 'static' });
    const bundle = realBundle(1);
    const before = aws.calls('rolesanywhere', PATCH).length;
    await p.publishBundle(bundle);
    await p.publishBundle(structuredClone(bundle));
    assert.equal(aws.calls('rolesanywhere', PATCH).length, before + 1);
    assert.equal(aws.calls('rolesanywhere', PATCH).at(-1)?.region, 'eu-west-1');
    assert.equal(ta.source.sourceType, 'CERTIFICATE_BUNDLE');
    assert.equal(ta.source.sourceData.x509CertificateData, formatPluginBundle(bundle, 'pem'));
    await p.close?.();
  });

  it('reports AWS refusing more than two CAs, keeps the old certificates, and publishes once the bundle fits', async () => {
    const ta = await anchor('three');
    const old = ta.source.sourceData.x509CertificateData;
    const p = await publisherFor({ region: 'us-east-1', trust_anchor_id: ta.trustAnchorId });
    const three = merged([realBundle(1), realBundle(2), realBundle(3)]);
    await rejectsWith(
      p.publishBundle(three),
      Code.INTERNAL,
      'failed to update trust anchor: ValidationException: Certificate bundle contains 3 certificates; a trust anchor accepts at most 2',
    );
    assert.equal(ta.source.sourceData.x509CertificateData, old);
    const two = { ...three, x509Authorities: three.x509Authorities.slice(1) };
    await p.publishBundle(two);
    assert.equal(ta.source.sourceData.x509CertificateData, formatPluginBundle(two, 'pem'));
    await p.close?.();
  });

  it('tries again on the next call after an outage', async () => {
    const ta = await anchor('outage');
    const p = await publisherFor({ region: 'us-east-1', trust_anchor_id: ta.trustAnchorId });
    const bundle = realBundle(4);
    aws.setUnavailable(true);
    try {
      await rejectsWith(p.publishBundle(bundle), Code.INTERNAL, /^failed to update trust anchor: /);
    } finally {
      aws.setUnavailable(false);
    }
    await p.publishBundle(bundle);
    assert.equal(ta.source.sourceData.x509CertificateData, formatPluginBundle(bundle, 'pem'));
    await p.close?.();
  });

  it('names an unknown trust anchor', async () => {
    const p = await publisherFor({ region: 'us-east-1', trust_anchor_id: '00000000-0000-0000-0000-000000000000' });
    await rejectsWith(p.publishBundle(realBundle(5)), Code.INTERNAL, 'failed to update trust anchor: ResourceNotFoundException: Resource not found');
    await p.close?.();
  });
});
