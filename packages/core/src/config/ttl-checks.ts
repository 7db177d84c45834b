import { formatDuration } from '../duration.js';

/** The longest SVID lifetime SPIRE's CA rotation can guarantee, whatever the CA TTL (7 days). */
export const MAX_SVID_TTL_MS = 7 * 24 * 3_600_000;
/** A new CA is prepared when 1/6 of its lifetime is left. */
const ACTIVATION_DIVISOR = 6;

/** The longest SVID TTL a CA TTL can guarantee. */
export function maxSvidTtlForCaTtl(caTtlMs: number): number {
  return Math.min(Math.trunc(caTtlMs / ACTIVATION_DIVISOR), MAX_SVID_TTL_MS);
}

/** The shortest CA TTL that guarantees an SVID TTL. */
export function minCaTtlForSvidTtl(svidTtlMs: number): number {
  return svidTtlMs * ACTIVATION_DIVISOR;
}

/** A duration as SPIRE prints it in these warnings: whole seconds, "4h" rather than "4h0m0s". */
export function printDuration(ms: number): string {
  let s = formatDuration(Math.trunc(ms / 1000) * 1000);
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  if (s.endsWith('h0m')) s = s.slice(0, -2);
  return s;
}

/**
 * SPIRE's warning when an SVID TTL cannot be honoured in full because the CA may rotate first,
 * or undefined when the TTL is fine. `name` is the option (`default_x509_svid_ttl`, ...).
 */
export function ttlWarning(name: string, caTtlMs: number, ttlMs: number): string | undefined {
  if (ttlMs <= maxSvidTtlForCaTtl(caTtlMs)) return undefined;
  if (ttlMs < MAX_SVID_TTL_MS) {
    return (
      `${name} is too high for the configured ca_ttl value. SVIDs with shorter lifetimes may be issued. ` +
      `Please set ${name} to ${printDuration(maxSvidTtlForCaTtl(caTtlMs))} or less, or the ca_ttl to ` +
      `${printDuration(minCaTtlForSvidTtl(ttlMs))} or more, to guarantee the full ${name} lifetime when CA rotations are scheduled.`
    );
  }
  if (caTtlMs < minCaTtlForSvidTtl(MAX_SVID_TTL_MS)) {
    return (
      `${name} is too high and the ca_ttl is too low. SVIDs with shorter lifetimes may be issued. ` +
      `Please set ${name} to ${printDuration(MAX_SVID_TTL_MS)} or less, and the ca_ttl to ` +
      `${printDuration(minCaTtlForSvidTtl(MAX_SVID_TTL_MS))} or more, to guarantee the full ${name} lifetime when CA rotations are scheduled.`
    );
  }
  return (
    `${name} is too high. SVIDs with shorter lifetimes may be issued. Please set ${name} to ` +
    `${printDuration(maxSvidTtlForCaTtl(caTtlMs))} or less to guarantee the full ${name} lifetime when CA rotations are scheduled.`
  );
}
