import { after, before } from 'node:test';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { silentLogger, TrustDomain, type BundlePublisher } from '@spire-ts/core/plugin';
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
