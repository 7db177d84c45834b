/**
 * SPIRE's rules for turning metric keys and gRPC method paths into Prometheus names. Pure
 * functions; every result is the same for the same input.
 */

/** Characters go-metrics' Prometheus sink turns into `_` when it flattens a key. */
const FLATTEN = /[ .=\-/]/g;

/**
 * The Prometheus name of a key: its parts joined with `_`, then space, `.`, `=`, `-` and `/`
 * replaced by `_`. Case is kept (`rateLimit` stays `rateLimit`, as upstream's series do).
 */
export function flattenName(parts: readonly string[]): string {
  return parts.join('_').replace(FLATTEN, '_');
}

/** Runs of non-word characters (and one `_` after them) become one `_`, as SPIRE's label sanitizer. */
const NON_WORD = /\W+_?/g;

/** A label name or value as SPIRE emits it: `spiffe://a.b` becomes `spiffe_a_b`. */
export function sanitizeLabel(s: string): string {
  return s.replace(NON_WORD, '_');
}

const isLower = (c: string | undefined): boolean => c !== undefined && c !== c.toUpperCase() && c === c.toLowerCase();
const isLetterOrDigit = (c: string): boolean => /[\p{L}\p{N}]/u.test(c);

/**
 * One part of an RPC metric key, PascalCase to snake_case by SPIRE's rule: a character that is
 * neither letter nor digit becomes `_`; an uppercase letter that is neither first nor last and has
 * a lowercase neighbour gets a `_` before it (unless one is already there); all is lower-cased.
 * `BatchNewX509SVID` gives `batch_new_x509svid`, `TrustDomain` gives `trust_domain`.
 */
export function metricKeyPart(s: string): string {
  const chars = [...s];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!isLetterOrDigit(c)) {
      out += '_';
      continue;
    }
    const lower = c.toLowerCase();
    const upper = c !== lower;
    if (upper && i > 0 && i + 1 < chars.length && (isLower(chars[i + 1]) || isLower(chars[i - 1])) && !out.endsWith('_')) out += '_';
    out += lower;
  }
  return out;
}

/** Service name replacements SPIRE applies before splitting the service on `.`. */
const SERVICE_SHORT_NAMES: readonly [string, string][] = [
  ['grpc.health.v1.Health', 'Health'],
  ['logger.v1.Logger', 'Logger'],
];
/** Method names SPIRE maps to a fixed key part (the general rule gets them wrong). */
const METHOD_KEYS: Readonly<Record<string, string>> = { SubscribeToX509SVIDs: 'subscribe_to_x509_svids' };
const SERVER_API_PREFIX = 'spire.api.server.';

/**
 * The metric key of an RPC (`rpc.` not included) from its path `/pkg.Service/Method`:
 * `/spire.api.server.entry.v1.Entry/BatchCreateEntry` gives `entry, v1, entry, batch_create_entry`.
 */
export function rpcMetricKey(path: string): string[] {
  const full = path.startsWith('/') ? path.slice(1) : path;
  const slash = full.indexOf('/');
  let service = slash < 0 ? '' : full.slice(0, slash);
  const method = slash < 0 ? '' : full.slice(slash + 1);
  if (service.startsWith(SERVER_API_PREFIX)) service = service.slice(SERVER_API_PREFIX.length);
  for (const [long, short] of SERVICE_SHORT_NAMES) if (service === long) service = short;
  return [...service.split('.'), METHOD_KEYS[method] ?? method].map(metricKeyPart);
}
