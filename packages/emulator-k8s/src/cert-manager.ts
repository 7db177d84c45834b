/**
 * A fake cert-manager issuer controller: it watches CertificateRequests and, as the mode says,
 * signs them with its own CA, denies them, fails them, or leaves them pending.
 */
import { certPem, signCsr, x509, type Issued } from '@spire-ts/emulator-kit';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './selectors.js';
import type { ObjectStore } from './store.js';

/** What the controller does with a new CertificateRequest. */
export type CertManagerMode = 'sign' | 'deny' | 'fail' | 'never';

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

interface CertificateRequest extends KubeObject {
  spec?: { request?: string; duration?: string; isCA?: boolean; usages?: string[] };
  status?: { conditions?: Condition[]; certificate?: string; ca?: string; failureTime?: string };
}

/** cert-manager's default certificate duration (90 days). */
const DEFAULT_DURATION_MS = 2160 * 3600_000;

const UNITS: Record<string, number> = { h: 3600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };

/** Parses a Go duration ("1h", "48h0m0s", "90m"); undefined when it is not one. */
export function parseGoDuration(s: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(h|ms|m|s|us|µs|ns))+$/.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
  return ms;
}

const KEY_USAGES: Record<string, number> = {
  'signing': x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};

const EXT_KEY_USAGES: Record<string, string> = {
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  'timestamping': '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
  any: '2.5.29.37.0',
};

/**
 * The key usages of spec.usages as cert-manager builds them: digital signature and key
 * encipherment when none are named, and cert sign added for a CA. Throws on an unknown usage.
 */
export function usagesOf(usages: string[] | undefined, isCA: boolean): { keyUsage: number; eku: string[] } {
  const named = usages && usages.length > 0 ? usages : ['digital signature', 'key encipherment'];
  let keyUsage = isCA ? x509.KeyUsageFlags.keyCertSign : 0;
  const eku: string[] = [];
  for (const u of named) {
    if (KEY_USAGES[u] !== undefined) keyUsage |= KEY_USAGES[u];
    else if (EXT_KEY_USAGES[u] !== undefined) eku.push(EXT_KEY_USAGES[u]);
    else throw new Error(`unknown key usage ${JSON.stringify(u)}`);
  }
  return { keyUsage, eku };
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function condition(type: string, status: 'True' | 'False', reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: now() };
}

/** The fake issuer controller behind `KubeEmulator.certManager`. */
export class FakeCertManager {
  /** What happens to CertificateRequests created from now on. Default 'sign'. */
  mode: CertManagerMode = 'sign';
  /** PEM of the root that signs issued certificates (returned as status.ca). */
  readonly caPem: string;
  private readonly pending = new Set<Promise<void>>();
  private readonly stop: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly type: ResourceType,
    private readonly ca: Issued,
  ) {
    this.caPem = ca.certPem;
    this.stop = store.subscribe((e) => {
      if (e.type !== 'ADDED') return;
      const mode = this.mode;
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.reconcile(e.object.metadata?.namespace, e.object.metadata?.name ?? '', mode))
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    }, type);
  }

  /** Resolves when every CertificateRequest seen so far has been handled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Stops watching; safe to call twice. */
  close(): void {
    this.stop();
  }

  private async reconcile(ns: string | undefined, name: string, mode: CertManagerMode): Promise<void> {
    if (mode === 'never') return;
    const cr = this.store.get(this.type, ns, name) as CertificateRequest | undefined;
    if (!cr || (cr.status?.conditions ?? []).some((c) => c.type === 'Ready' || c.type === 'Denied')) return;
    const status = { ...(cr.status ?? {}) };
    if (mode === 'deny') {
      status.conditions = [condition('Denied', 'True', 'Denied', 'CertificateRequest denied by the emulator'), condition('Ready', 'False', 'Denied', 'The CertificateRequest was denied by an approval controller')];
      status.failureTime = now();
    } else if (mode === 'fail') {
      status.conditions = [condition('Approved', 'True', 'cert-manager.io', 'Certificate request has been approved by cert-manager.io'), condition('Ready', 'False', 'Failed', 'The issuer failed to sign the certificate request')];
      status.failureTime = now();
    } else {
      Object.assign(status, await this.sign(cr));
    }
    const latest = this.store.get(this.type, ns, name);
    if (!latest) return;
    this.store.replace(this.type, { ...latest, status }, ns, { checkResourceVersion: false });
  }

  private async sign(cr: CertificateRequest): Promise<CertificateRequest['status']> {
    const approved = condition('Approved', 'True', 'cert-manager.io', 'Certificate request has been approved by cert-manager.io');
    const failed = (message: string): CertificateRequest['status'] => ({ conditions: [approved, condition('Ready', 'False', 'Failed', message)], failureTime: now() });
    const duration = cr.spec?.duration ? parseGoDuration(cr.spec.duration) : DEFAULT_DURATION_MS;
    if (duration === undefined) return failed(`invalid duration ${JSON.stringify(cr.spec?.duration)}`);
    let csrPem: string;
    try {
      csrPem = Buffer.from(cr.spec?.request ?? '', 'base64').toString('utf8');
      if (!csrPem.includes('-----BEGIN')) throw new Error('spec.request is not a PEM-encoded CSR');
      const isCA = cr.spec?.isCA === true;
      const cert = await signCsr(csrPem, this.ca, { isCA, notAfter: new Date(Date.now() + duration), ...usagesOf(cr.spec?.usages, isCA) });
      return {
        conditions: [approved, condition('Ready', 'True', 'Issued', 'Certificate fetched from issuer successfully')],
        certificate: b64(certPem(cert)),
        ca: b64(this.caPem),
      };
    } catch (err) {
      return failed(`Failed to sign certificate request: ${(err as Error).message}`);
    }
  }
}
