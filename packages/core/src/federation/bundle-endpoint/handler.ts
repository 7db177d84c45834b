import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { bundleToJwks, type BundleJwk } from '../../ca/bundle-jwks.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Bundle } from '../../plugins/datastore/contract.js';

/** How long an encoded bundle document is served before the store is read again (SPIRE: 1 s). */
export const BUNDLE_CACHE_MS = 1_000;

/** JWK members in the order go-jose writes them, so the document reads as SPIRE's does. */
const MEMBER_ORDER = ['use', 'kty', 'kid', 'crv', 'x', 'y', 'n', 'e', 'x5c'];

function ordered(k: BundleJwk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of MEMBER_ORDER) if (k[m] !== undefined) out[m] = k[m];
  for (const [m, v] of Object.entries(k)) if (!(m in out)) out[m] = v;
  return out;
}

/**
 * The SPIFFE bundle document served for `bundle`: X.509 authorities (one `x5c` each, no `kid`)
 * then JWT authorities (with `kid`), `spiffe_sequence` from the store and `spiffe_refresh_hint`
 * from the endpoint's `refresh_hint`, each left out when 0; indented by four spaces. Pure.
 */
export function bundleDocument(bundle: Bundle, refreshHintSeconds: number): string {
  const jwks = bundleToJwks(bundle);
  const doc: Record<string, unknown> = { keys: jwks.keys.map(ordered) };
  if (jwks.spiffe_sequence) doc.spiffe_sequence = jwks.spiffe_sequence;
  if (refreshHintSeconds) doc.spiffe_refresh_hint = refreshHintSeconds;
  return JSON.stringify(doc, null, 4);
}

export interface BundleHandlerOptions {
  /** Reads this trust domain's bundle (undefined when there is none). */
  fetchBundle(): Promise<Bundle | undefined>;
  refreshHintSeconds: number;
  log: Logger;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}

/**
 * The bundle endpoint's HTTP handler: `GET /` answers the bundle document (application/json);
 * another method 405, another path 404, a store error or a missing bundle 500, with SPIRE's
 * bodies. The encoded document is reused for BUNDLE_CACHE_MS, and concurrent requests share one
 * store read, so a flood of GETs does not become a flood of queries.
 */
export function bundleHandler(o: BundleHandlerOptions): RequestListener {
  const now = o.now ?? Date.now;
  let cached: { body: Buffer; at: number } | undefined;
  let reading: Promise<Buffer> | undefined;
  const read = async (): Promise<Buffer> => {
    const bundle = await o.fetchBundle();
    if (!bundle) throw new Error('trust domain bundle not found');
    return Buffer.from(bundleDocument(bundle, o.refreshHintSeconds));
  };
  /** The fresh document at once, or the read that will make it. */
  const current = (): Buffer | Promise<Buffer> => {
    if (cached && now() - cached.at < BUNDLE_CACHE_MS) return cached.body;
    reading ??= read()
      .then((body) => {
        cached = { body, at: now() };
        return body;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET') return plain(res, 405, '405 method not allowed');
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/') return plain(res, 404, '404 page not found');
    const send = (body: Buffer) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    };
    const body = current();
    // Answered in the request's own turn when the document is fresh: the head and body then
    // leave in one write, as a synchronous handler's do.
    if (Buffer.isBuffer(body)) return send(body);
    body.then(send, (err: unknown) => {
      o.log.error({ error: errorMessage(err) }, 'Unable to retrieve local bundle');
      plain(res, 500, '500 unable to retrieve local bundle');
    });
  };
}
