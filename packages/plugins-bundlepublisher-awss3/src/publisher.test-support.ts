import { silentLogger, TrustDomain, type BundlePublisher } from '@spire-ts/core/plugin';
import { awsS3BundlePublisher } from './index.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

/** The publisher made through its descriptor, as the server makes it; throws on config problems. */
export async function publisherFor(raw: Record<string, unknown>): Promise<BundlePublisher> {
  const parsed = awsS3BundlePublisher.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return awsS3BundlePublisher.create({ config: parsed.config, log: silentLogger(), ...core, host: {} });
}
