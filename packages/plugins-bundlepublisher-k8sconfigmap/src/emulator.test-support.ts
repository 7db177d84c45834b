import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { silentLogger, TrustDomain, type BundlePublisher, type PluginBundle } from '@spire-ts/core/plugin';
import { k8sConfigMapBundlePublisher } from './index.js';

/** One emulator for the calling test file, closed after it. */
export function useEmulator(): { readonly k: KubeEmulator } {
  const ctx = {} as { k: KubeEmulator };
  before(async () => {
    ctx.k = await KubeEmulator.start();
  });
  after(async () => {
    await ctx.k.close();
  });
  return ctx;
}

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

/** The publisher made through its descriptor, as the server makes it; throws on config problems. */
export async function publisherFor(raw: Record<string, unknown>): Promise<BundlePublisher> {
  const parsed = k8sConfigMapBundlePublisher.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return k8sConfigMapBundlePublisher.create({ config: parsed.config, log: silentLogger(), ...core, host: {} });
}

/** A bundle with one real CA certificate (openssl) and one JWT key. */
export function realBundle(sequenceNumber = 1): PluginBundle {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-configmap-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k'), '-outform', 'DER', '-out', join(dir, 'c'), '-subj', `/CN=ca-${sequenceNumber}`, '-days', '1'], { stdio: 'ignore' });
    const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    return {
      trustDomain: 'example.org',
      x509Authorities: [{ asn1: new Uint8Array(readFileSync(join(dir, 'c'))), tainted: false }],
      jwtAuthorities: [{ publicKey: new Uint8Array(jwt), keyId: `kid-${sequenceNumber}`, expiresAt: 0, tainted: false }],
      refreshHint: 0,
      sequenceNumber,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
