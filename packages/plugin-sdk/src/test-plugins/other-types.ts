import { writeFileSync } from 'node:fs';
import {
  Code,
  ConfigReader,
  SpireError,
  defineBundlePublisher,
  defineCredentialComposer,
  defineNotifier,
  defineUpstreamAuthority,
  type PluginBundle,
} from '../index.js';

function bundleJson(b: PluginBundle): string {
  return JSON.stringify({
    trustDomain: b.trustDomain,
    x509: b.x509Authorities.map((c) => ({ der: Buffer.from(c.asn1).toString('base64'), tainted: c.tainted })),
    jwt: b.jwtAuthorities.map((k) => ({ kid: k.keyId, key: Buffer.from(k.publicKey).toString('base64'), exp: k.expiresAt, tainted: k.tainted })),
    refreshHint: b.refreshHint,
    sequenceNumber: b.sequenceNumber,
  });
}

/**
 * A Notifier that probes the host services: on each bundle update it fetches the server's X.509
 * identity and reports through the Metrics host service the chain length and the bundle's trust
 * domain; NotifyAndAdvise writes the bundle to `path`.
 */
export const probeNotifier = defineNotifier({
  name: 'probe',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const path = r.string('path', { required: true });
    return r.result({ path: path ?? '' });
  },
  create: ({ config, host }) => ({
    async notifyBundleUpdated(bundle) {
      if (!host.identityProvider) throw new SpireError(Code.INTERNAL, 'IdentityProvider was not offered');
      const id = await host.identityProvider.fetchX509Identity();
      host.metrics?.setGauge(['probe', 'chain_length'], id.certChain.length, { trust_domain: id.bundle.trustDomain, updated: bundle.trustDomain });
    },
    async notifyAndAdviseBundleLoaded(bundle) {
      writeFileSync(config.path, bundleJson(bundle));
    },
  }),
});

/** A BundlePublisher that writes each bundle it is given, as JSON, to `path`. */
export const fileBundlePublisher = defineBundlePublisher({
  name: 'file_test',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const path = r.string('path', { required: true });
    return r.result({ path: path ?? '' });
  },
  create: ({ config }) => ({
    async publishBundle(bundle) {
      writeFileSync(config.path, bundleJson(bundle));
    },
  }),
});

/** A CredentialComposer that sets a common name and adds a DNS SAN / claim, to see edits cross the wire. */
export const tagCredentialComposer = defineCredentialComposer({
  name: 'tag',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const tag = r.string('tag', { default: 'tagged' });
    return r.result({ tag: tag ?? 'tagged' });
  },
  create: ({ config }) => ({
    async composeServerX509CA(a) {
      return { ...a, subject: { ...a.subject, commonName: config.tag }, policyIdentifiers: [...a.policyIdentifiers, '1.2.3.4'] };
    },
    async composeServerX509SVID(a) {
      return { ...a, dnsSans: [...a.dnsSans, `${config.tag}.server`] };
    },
    async composeAgentX509SVID(a, spiffeId, publicKey) {
      return { ...a, subject: { ...a.subject, commonName: `${spiffeId}#${publicKey.length}` } };
    },
    async composeWorkloadX509SVID(a, spiffeId) {
      return { ...a, extraExtensions: [...a.extraExtensions, { oid: '1.2.3.5', value: Buffer.from(spiffeId), critical: false }] };
    },
    async composeWorkloadJWTSVID(a, spiffeId) {
      return { claims: { ...a.claims, tag: config.tag, sub_copy: spiffeId, nested: { list: [1, 'two', true, null] } } };
    },
  }),
});

/**
 * An UpstreamAuthority for wire tests: "mints" by returning the CSR bytes as the chain and a
 * fixed root, then sends one root update; PublishJWTKey echoes the key with a suffix on its ID.
 */
export const echoUpstreamAuthority = defineUpstreamAuthority({
  name: 'echo',
  parseConfig: (raw) => new ConfigReader(raw).result({}),
  create: () => ({
    async *mintX509CAAndSubscribe(req, signal) {
      if (req.csr.length === 0) throw new SpireError(Code.INVALID_ARGUMENT, 'csr is required');
      const root = Buffer.from(`root-${req.preferredTtlSeconds}`);
      yield { x509CaChain: [req.csr], upstreamX509Roots: [{ asn1: root, tainted: false }] };
      await new Promise((r) => setTimeout(r, 50));
      if (signal?.aborted) return;
      // The first root is now tainted: the flag must cross the wire.
      yield { x509CaChain: [], upstreamX509Roots: [{ asn1: root, tainted: true }, { asn1: Buffer.from('root-2'), tainted: false }] };
      // Keep the subscription open until the host cancels it.
      await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
    },
    async *publishJWTKeyAndSubscribe(key) {
      yield { upstreamJwtKeys: [key, { ...key, keyId: `${key.keyId}-upstream` }] };
    },
  }),
});
