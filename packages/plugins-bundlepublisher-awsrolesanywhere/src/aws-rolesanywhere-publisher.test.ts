import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, fromPem, silentLogger, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import { rejectsWith, runBundlePublisherContract, sampleBundle } from '@spire-ts/core/plugin/testing';
import { AwsRolesAnywherePublisher } from './aws-rolesanywhere-publisher.js';
import { FakeTrustAnchors } from './trust-anchor-updater.fake.js';

const config = { accessKeyId: '', secretAccessKey: '', region: 'us-east-1', trustAnchorId: 'ta-1' };

function setup(log: Logger = silentLogger()) {
  const anchors = new FakeTrustAnchors();
  anchors.anchors.set('ta-1', '');
  return { anchors, publisher: new AwsRolesAnywherePublisher(config, anchors, log) };
}

runBundlePublisherContract('aws_rolesanywhere_trustanchor (fake trust anchors)', async () => {
  const { anchors, publisher } = setup();
  return {
    publisher,
    published: async () => {
      const pem = anchors.anchors.get('ta-1');
      return pem ? { ...sampleBundle(0), x509Authorities: fromPem(pem).map((asn1) => ({ asn1, tainted: false })) } : undefined;
    },
    close: async () => publisher.close(),
  };
});

const withCas = (n: number): PluginBundle => ({
  ...sampleBundle(1),
  x509Authorities: Array.from({ length: n }, (_, i) => ({ asn1: Uint8Array.from([0x30, 0x03, 0x02, 0x01, i]), tainted: false })),
});

describe('aws_rolesanywhere_trustanchor publishing', () => {
  it('refuses a missing bundle', async () => {
    await rejectsWith(setup().publisher.publishBundle(undefined as unknown as PluginBundle), Code.INVALID_ARGUMENT, 'missing bundle in request');
  });

  it('does not send a bundle equal to the last one published', async () => {
    const { anchors, publisher } = setup();
    await publisher.publishBundle(sampleBundle(1));
    await publisher.publishBundle(sampleBundle(1));
    assert.equal(anchors.updates, 1);
    await publisher.publishBundle(sampleBundle(2));
    assert.equal(anchors.updates, 2);
  });

  it('sends again after a failure', async () => {
    const { anchors, publisher } = setup();
    anchors.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await rejectsWith(publisher.publishBundle(sampleBundle(1)), Code.INTERNAL, 'failed to update trust anchor: ThrottlingException: Rate exceeded');
    await publisher.publishBundle(sampleBundle(1));
    assert.equal(anchors.updates, 2);
    assert.match(anchors.anchors.get('ta-1')!, /^-----BEGIN CERTIFICATE-----\n/);
  });

  it('refuses a bundle over 8000 characters of PEM without calling AWS', async () => {
    const { anchors, publisher } = setup();
    const big: PluginBundle = { ...sampleBundle(1), x509Authorities: [{ asn1: new Uint8Array(6000).fill(1), tainted: false }] };
    await rejectsWith(publisher.publishBundle(big), Code.INVALID_ARGUMENT, 'bundle too large');
    assert.equal(anchors.updates, 0);
  });

  it('warns about more than two CAs, and still sends them as SPIRE does', async () => {
    const warns: unknown[][] = [];
    const log = Object.assign(Object.create(silentLogger()) as Logger, { warn: (...a: unknown[]) => warns.push(a) });
    const { anchors, publisher } = setup(log);
    await publisher.publishBundle(withCas(2));
    assert.equal(warns.length, 0);
    await publisher.publishBundle(withCas(3));
    assert.equal(anchors.updates, 2);
    assert.deepEqual(warns[0]![0], { trust_anchor_id: 'ta-1', x509_authorities: 3 });
    assert.match(String(warns[0]![1]), /more CAs than AWS IAM Roles Anywhere accepts in a trust anchor \(2\)/);
  });
});
