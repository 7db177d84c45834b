import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { fromPem, silentLogger, TrustDomain, type HostServices, type Notifier, type PluginBundle } from '@spire-ts/core/plugin';
import { k8sbundleNotifier } from './index.js';

/** One emulator for the calling test file, closed after it; notifiers made by `notifierFor` are closed first. */
export function useEmulator(): { readonly k: KubeEmulator; readonly made: Notifier[] } {
  const ctx = { made: [] } as unknown as { k: KubeEmulator; made: Notifier[] };
  before(async () => {
    ctx.k = await KubeEmulator.start();
  });
  after(async () => {
    for (const n of ctx.made) await n.close?.();
    await ctx.k.close();
  });
  return ctx;
}

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

/** The notifier made through its descriptor, as the server makes it; throws on config problems. */
export async function notifierFor(raw: Record<string, unknown>, host: HostServices = {}, made?: Notifier[]): Promise<Notifier> {
  const parsed = k8sbundleNotifier.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  const n = await k8sbundleNotifier.create({ config: parsed.config, log: silentLogger(), ...core, host });
  made?.push(n);
  return n;
}

/** A bundle whose X.509 authorities are the stand-in DER blobs `30 03 02 01 <n>` for each n. */
export function bundleOf(...ns: number[]): PluginBundle {
  return {
    trustDomain: 'example.org',
    x509Authorities: ns.map((n) => ({ asn1: Uint8Array.from([0x30, 0x03, 0x02, 0x01, n]), tainted: false })),
    jwtAuthorities: [],
    refreshHint: 0,
    sequenceNumber: ns.length,
  };
}

/** The n of each stand-in certificate in PEM text (see {@link bundleOf}). */
export function authoritiesIn(pem: string | undefined): number[] {
  return fromPem(pem ?? '').map((d) => d[4]!);
}

/** The n of each authority in a base64 caBundle. */
export function caBundleAuthorities(b64: string | undefined): number[] {
  return authoritiesIn(Buffer.from(b64 ?? '', 'base64').toString('utf8'));
}

/** Waits until `check` holds (polling every 20 ms), up to `ms`; throws naming `what` otherwise. */
export async function eventually(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A labelled (or not) webhook configuration with two webhooks and no caBundle. */
export function webhookConfig(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', name: string, labels: Record<string, string>): object {
  const hook = (n: string) => ({ name: n, admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { service: { name: 'svc', namespace: 'spire' } } });
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name, labels }, webhooks: [hook(`a.${name}.example.org`), hook(`b.${name}.example.org`)] };
}
