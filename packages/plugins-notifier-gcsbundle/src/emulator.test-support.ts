import { silentLogger, TrustDomain, type HostServices, type Notifier, type PluginBundle } from '@spire-ts/core/plugin';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { gcsBundleNotifier } from './index.js';

/**
 * Starts the GCP emulator and points `@google-cloud/storage` (STORAGE_EMULATOR_HOST) and
 * Application Default Credentials at it through this test process's environment.
 */
export async function startGcp(): Promise<GcpEmulator> {
  const gcp = await GcpEmulator.start();
  Object.assign(process.env, gcp.env(), { STORAGE_EMULATOR_HOST: gcp.url });
  return gcp;
}

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

/** The notifier made through its descriptor, as the server makes it; throws on config problems. */
export async function notifierFor(raw: Record<string, unknown>, host: HostServices = {}): Promise<Notifier> {
  const parsed = gcsBundleNotifier.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return gcsBundleNotifier.create({ config: parsed.config, log: silentLogger(), ...core, host });
}

/** A bundle whose X.509 authorities are the stand-in DER blobs `30 03 02 01 <n>` for each n. */
export function bundleOf(...ns: number[]): PluginBundle {
  return {
    trustDomain: 'example.org',
    x509Authorities: ns.map((n) => ({ asn1: Uint8Array.from([0x30, 0x03, 0x02, 0x01, n]), tainted: false })),
    jwtAuthorities: [{ keyId: 'k', publicKey: Uint8Array.from([1]), expiresAt: 0, tainted: false }],
    refreshHint: 0,
    sequenceNumber: ns.length,
  };
}
