import { readCertificate } from '../../ca/x509/certificate.js';
import type { Bundle } from '../../plugins/datastore/contract.js';

/** The smallest refresh hint honoured (SPIRE's MinimumRefreshHint), 1 minute. */
export const MINIMUM_REFRESH_HINT_MS = 60_000;
/** Polls per refresh hint (SPIRE's attemptsPerRefreshHint), so one failed poll is not fatal. */
export const ATTEMPTS_PER_REFRESH_HINT = 4;
/** How often relationships are re-read (SPIRE's configRefreshInterval). */
export const CONFIG_RELOAD_INTERVAL_MS = 10_000;

/**
 * The refresh hint of a bundle, as SPIRE computes it: the bundle's own `spiffe_refresh_hint`
 * when positive, otherwise a tenth of the shortest X.509 authority lifetime (JWT keys are not
 * considered); never below one minute and with no upper bound.
 */
export function refreshHintMs(bundle: Bundle): number {
  let hint = bundle.refreshHint * 1000;
  if (!(hint > 0)) {
    let shortest = Infinity;
    for (const c of bundle.rootCas) {
      try {
        const info = readCertificate(c.derBytes);
        shortest = Math.min(shortest, info.notAfter - info.notBefore);
      } catch {
        // A stored authority that does not parse says nothing about rotation.
      }
    }
    hint = Number.isFinite(shortest) ? shortest / 10 : 0;
  }
  return Math.max(hint, MINIMUM_REFRESH_HINT_MS);
}

/**
 * How long after a poll the next one runs: the refresh hint of `bundle` divided by 4; with no
 * bundle at all (nothing fetched, nothing stored) one minute, so that a bootstrap bundle set
 * later is used soon. Upstream SPIRE's polls are thus between 15 s and unbounded apart.
 */
export function nextPollDelayMs(bundle: Bundle | undefined): number {
  if (!bundle) return MINIMUM_REFRESH_HINT_MS;
  return refreshHintMs(bundle) / ATTEMPTS_PER_REFRESH_HINT;
}
