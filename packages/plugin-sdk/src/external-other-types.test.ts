import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  Code,
  emptyDistinguishedName,
  type BundlePublisher,
  type CredentialComposer,
  type Notifier,
  type PluginBundle,
  type UpstreamAuthority,
} from './index.js';
import { eventually } from './test-support/capture-log.js';
import { fakeHost } from './test-support/fake-host.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'spire-sdk-types-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const bundle: PluginBundle = {
  trustDomain: 'example.org',
  x509Authorities: [{ asn1: Buffer.from('cert-1'), tainted: false }, { asn1: Buffer.from('cert-2'), tainted: true }],
  jwtAuthorities: [{ publicKey: Buffer.from('pk'), keyId: 'kid-1', expiresAt: 1_900_000_000, tainted: false }],
  refreshHint: 300,
  sequenceNumber: 42,
};
const bundleJson = {
  trustDomain: 'example.org',
  x509: [
    { der: Buffer.from('cert-1').toString('base64'), tainted: false },
    { der: Buffer.from('cert-2').toString('base64'), tainted: true },
  ],
  jwt: [{ kid: 'kid-1', key: Buffer.from('pk').toString('base64'), exp: 1_900_000_000, tainted: false }],
  refreshHint: 300,
  sequenceNumber: 42,
};

describe('external BundlePublisher', () => {
  it('receives the bundle field for field', async () => {
    const out = join(dir, 'published.json');
    const loaded = await loadPluginForTest<BundlePublisher>({
      type: 'BundlePublisher',
      path: testPluginPath('bundlepublisher-plugin'),
      data: JSON.stringify({ path: out }),
    });
    try {
      await loaded.plugin.publishBundle(bundle);
      assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), bundleJson);
    } finally {
      await loaded.close();
    }
  });
});

describe('external Notifier and the host services', () => {
  it('NotifyAndAdvise carries the loaded bundle; Notify reaches IdentityProvider and Metrics', async () => {
    const out = join(dir, 'notified.json');
    const { host, metrics } = fakeHost({ certChain: [Buffer.from('leaf'), Buffer.from('intermediate')], trustDomain: 'example.org' });
    const loaded = await loadPluginForTest<Notifier>({ type: 'Notifier', name: 'probe', path: testPluginPath('notifier-plugin'), data: `path = "${out}"`, host });
    try {
      await loaded.plugin.notifyAndAdviseBundleLoaded(bundle);
      assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), bundleJson);
      await loaded.plugin.notifyBundleUpdated({ ...bundle, trustDomain: 'updated.test' });
      assert.ok(await eventually(() => metrics.length > 0));
      assert.deepEqual(metrics, [
        { kind: 'gauge', key: ['probe', 'chain_length'], value: 2, labels: { trust_domain: 'example.org', updated: 'updated.test' } },
      ]);
    } finally {
      await loaded.close();
    }
  });

  it('a host service that is not up yet answers FAILED_PRECONDITION, as SPIRE', async () => {
    const out = join(dir, 'unused.json');
    const loaded = await loadPluginForTest<Notifier>({ type: 'Notifier', name: 'probe', path: testPluginPath('notifier-plugin'), data: `path = "${out}"`, host: {} });
    try {
      await assert.rejects(loaded.plugin.notifyBundleUpdated(bundle), {
        code: Code.FAILED_PRECONDITION,
        message: 'notifier(probe): IdentityProvider host service has not been initialized',
      });
    } finally {
      await loaded.close();
    }
  });
});

describe('external CredentialComposer', () => {
  it('round-trips every compose method', async () => {
    const loaded = await loadPluginForTest<CredentialComposer>({ type: 'CredentialComposer', name: 'tag', path: testPluginPath('credentialcomposer-plugin'), data: 'tag = "blue"' });
    const cc = loaded.plugin;
    try {
      const subject = { ...emptyDistinguishedName(), country: ['US'], extraNames: [{ oid: '2.5.4.45', stringValue: 'x' }] };
      const ca = await cc.composeServerX509CA({ subject, policyIdentifiers: ['1.1'], extraExtensions: [] });
      assert.deepEqual(ca, { subject: { ...subject, commonName: 'blue' }, policyIdentifiers: ['1.1', '1.2.3.4'], extraExtensions: [] });
      const svid = await cc.composeServerX509SVID({ subject, dnsSans: ['a.test'], extraExtensions: [] });
      assert.deepEqual(svid.dnsSans, ['a.test', 'blue.server']);
      const agent = await cc.composeAgentX509SVID({ subject, dnsSans: [], extraExtensions: [] }, 'spiffe://example.org/agent', new Uint8Array(7));
      assert.equal(agent.subject.commonName, 'spiffe://example.org/agent#7');
      const wl = await cc.composeWorkloadX509SVID({ subject, dnsSans: [], extraExtensions: [] }, 'spiffe://example.org/wl', new Uint8Array(1));
      assert.deepEqual(wl.extraExtensions.map((e) => ({ ...e, value: Buffer.from(e.value).toString() })), [
        { oid: '1.2.3.5', value: 'spiffe://example.org/wl', critical: false },
      ]);
      const jwt = await cc.composeWorkloadJWTSVID({ claims: { aud: ['x'], exp: 12 } }, 'spiffe://example.org/wl');
      assert.deepEqual(jwt.claims, { aud: ['x'], exp: 12, tag: 'blue', sub_copy: 'spiffe://example.org/wl', nested: { list: [1, 'two', true, null] } });
    } finally {
      await loaded.close();
    }
  });
});

describe('external UpstreamAuthority', () => {
  it('streams minted chains and root updates until the host stops listening', async () => {
    const loaded = await loadPluginForTest<UpstreamAuthority>({ type: 'UpstreamAuthority', name: 'echo', path: testPluginPath('upstreamauthority-plugin') });
    try {
      const ac = new AbortController();
      const seen: { chain: string[]; roots: string[] }[] = [];
      for await (const m of loaded.plugin.mintX509CAAndSubscribe({ csr: Buffer.from('csr-bytes'), preferredTtlSeconds: 3600 }, ac.signal)) {
        seen.push({ chain: m.x509CaChain.map((c) => Buffer.from(c).toString()), roots: m.upstreamX509Roots.map((c) => `${Buffer.from(c.asn1).toString()}${c.tainted ? ' (tainted)' : ''}`) });
        if (seen.length === 2) ac.abort();
      }
      assert.deepEqual(seen, [
        { chain: ['csr-bytes'], roots: ['root-3600'] },
        { chain: [], roots: ['root-3600 (tainted)', 'root-2'] },
      ]);
      const keys = [];
      for await (const m of loaded.plugin.publishJWTKeyAndSubscribe({ publicKey: Buffer.from('k'), keyId: 'kid', expiresAt: 5, tainted: false })) keys.push(...m.upstreamJwtKeys);
      assert.deepEqual(keys.map((k) => [k.keyId, Buffer.from(k.publicKey).toString(), k.expiresAt]), [
        ['kid', 'k', 5],
        ['kid-upstream', 'k', 5],
      ]);
      const it = loaded.plugin.mintX509CAAndSubscribe({ csr: new Uint8Array(), preferredTtlSeconds: 0 });
      await assert.rejects(
        (async () => {
          for await (const _ of it) void _;
        })(),
        { code: Code.INVALID_ARGUMENT, message: 'upstreamauthority(echo): csr is required' },
      );
    } finally {
      await loaded.close();
    }
  });
});
