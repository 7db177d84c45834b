import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { X509Certificate } from '../../plugins/types.js';
import type { CADataStore } from '../ca-datastore.js';
import { hex, readCertificate } from '../x509/certificate.js';
import type { BundlePart } from './bundle-updates.js';

/** What the sync works with. */
export interface UpstreamRootsDeps {
  trustDomainId: string;
  log: Logger;
  dataStore: Pick<CADataStore, 'fetchBundle' | 'revokeX509CA'>;
  /** The manager's bundle append, which tells Notifiers of a change. */
  appendBundle(part: BundlePart): Promise<unknown>;
  /** Records a bundle change the append did not make (a revocation). */
  bundleChanged(): void;
  /**
   * Called, not awaited, with the stored certificates of authorities that arrived tainted for the
   * first time: the manager moves its CA off them, then taints them in the bundle.
   */
  tainted(authorities: Uint8Array[]): void;
}

const skidOf = (der: Uint8Array): string => hex(readCertificate(der).subjectKeyId);

/**
 * SPIRE's SyncX509Roots: brings the upstream roots an UpstreamAuthority reports into the local
 * bundle, with what an upstream SPIRE server says of them.
 * - A root the bundle holds untainted that now arrives tainted is not appended as it comes; it is
 *   handed to `tainted` (once per subject key ID), which rotates the local CA off it first, so
 *   that agents and downstream servers hear of the taint only once this server has moved.
 * - A root the bundle holds tainted that no longer arrives has been revoked upstream: it is
 *   revoked here too.
 * - Every other root is appended with its flag (a root already in the bundle stays as it is).
 */
export class UpstreamRoots {
  private readonly processed = new Set<string>();

  constructor(private readonly d: UpstreamRootsDeps) {}

  /** Syncs one report of the upstream roots. Throws what the DataStore throws. */
  async sync(roots: readonly X509Certificate[]): Promise<void> {
    const d = this.d;
    const stored = new Map<string, { der: Uint8Array; tainted: boolean }>();
    for (const c of (await d.dataStore.fetchBundle(d.trustDomainId))?.rootCas ?? []) {
      stored.set(skidOf(c.derBytes), { der: c.derBytes, tainted: c.taintedKey });
    }
    const reported = new Set<string>();
    const append: BundlePart['rootCas'] = [];
    const newlyTainted: Uint8Array[] = [];
    for (const root of roots) {
      const skid = skidOf(root.asn1);
      reported.add(skid);
      const have = stored.get(skid);
      if (root.tainted && have && !have.tainted) {
        if (!this.processed.has(skid)) {
          this.processed.add(skid);
          newlyTainted.push(have.der);
          d.log.info({ subject_key_id: skid }, 'X.509 authority tainted');
        }
        continue;
      }
      append.push({ derBytes: root.asn1, taintedKey: root.tainted });
    }
    if (newlyTainted.length > 0) d.tainted(newlyTainted);
    for (const [skid, have] of stored) {
      if (!have.tainted || reported.has(skid)) continue;
      await d.dataStore.revokeX509CA(d.trustDomainId, skid);
      d.bundleChanged();
      d.log.info({ subject_key_id: skid }, 'X.509 authority revoked');
    }
    if (append.length > 0) await d.appendBundle({ rootCas: append });
  }
}

/** SPIRE's wait between attempts to move off tainted upstream authorities, and how long it keeps trying. */
export const TAINT_RETRY_MS = 5_000;
export const TAINT_RETRY_FOR_MS = 60_000;

/**
 * Runs `attempt` until it succeeds, waiting `retryMs` after each failure (logged), for at most
 * `forMs`; then throws the last failure. Ends early, with the abort reason, when `signal` aborts.
 */
export async function retrying(attempt: () => Promise<void>, log: Logger, signal: AbortSignal, retryMs = TAINT_RETRY_MS, forMs = TAINT_RETRY_FOR_MS): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (signal.aborted || Date.now() - start + retryMs > forMs) throw err;
      log.warn({ error: errorMessage(err) }, 'Failed to process tainted keys on upstream authority');
    }
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, retryMs);
      t.unref();
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      }, { once: true });
    });
  }
}
