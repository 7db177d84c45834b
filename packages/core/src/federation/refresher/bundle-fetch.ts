import type { ClientRequest, IncomingMessage } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { MAX_BUNDLE_DOCUMENT_BYTES, parseBundleDocument } from '../../ca/bundle-jwks.js';
import { CAErrors } from '../../ca/errors.js';
import { errorMessage } from '../../errors.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import { RefresherErrors } from './errors.js';
import type { Timers } from './timers.js';

/** How the endpoint proves who it is. */
export type EndpointAuth =
  | { profile: 'https_web' }
  /** The endpoint must present an X509-SVID for `endpointSpiffeId` chaining to `rootsPem`. */
  | { profile: 'https_spiffe'; endpointSpiffeId: string; rootsPem: string[] };

/** Limits of one fetch. */
export interface FetchLimits {
  /** Whole fetch, redirects included. */
  timeoutMs: number;
  /** Default MAX_BUNDLE_DOCUMENT_BYTES. */
  maxBytes?: number;
  /** Default 10, as Go's HTTP client. */
  maxRedirects?: number;
  timers: Timers;
  /** Aborting it ends the fetch with "stopped". */
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** How much of a non-200 answer is quoted in the error (as SPIRE). */
const STATUS_BODY_BYTES = 1024;

function uriSans(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
}

/** The X509-SVID checks of an https_spiffe endpoint (the chain itself is checked by TLS). */
function checkEndpointSvid(cert: PeerCertificate, expected: string): Error | undefined {
  const uris = uriSans(cert);
  if (uris.length !== 1) return new Error(uris.length === 0 ? 'certificate has no URI SAN' : 'certificate has more than one URI SAN');
  if (uris[0] !== expected) return new Error(`unexpected ID "${uris[0]}"; expected "${expected}"`);
  if (cert.ca) return new Error('the endpoint certificate is a CA certificate, not an X509-SVID');
  return undefined;
}

/** Web PKI host name check, with SPIRE's hint when the certificate is an X509-SVID. */
function checkWebIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const err = checkServerIdentity(host, cert);
  if (!err) return undefined;
  const id = uriSans(cert).find((u) => u.startsWith('spiffe://'));
  if (!id) return err;
  return new Error(
    `failed to authenticate bundle endpoint using web authentication but the server certificate contains SPIFFE ID "${id}": maybe use https_spiffe instead of https_web: ${err.message}`,
  );
}

function tlsOptions(auth: EndpointAuth): RequestOptions {
  if (auth.profile === 'https_web') return { checkServerIdentity: checkWebIdentity };
  // Only the bundle's roots; the identity is the SPIFFE ID, not the host name.
  return { ca: auth.rootsPem, checkServerIdentity: (_host, cert) => checkEndpointSvid(cert, auth.endpointSpiffeId) };
}

/**
 * GETs a bundle endpoint and reads its document as the bundle of `trustDomain`
 * (parseBundleDocument). Redirects are followed as temporary ones, at most `maxRedirects`, only
 * to https URLs, each hop with the same TLS checks. Every failure rejects with UNAVAILABLE
 * `failed to fetch bundle from <url>: <reason>`: TLS or connection errors, a status other than
 * 200 (with the start of the answer), a body over the limit, a document that breaks a rule, or no
 * complete answer within `timeoutMs`.
 */
export function fetchBundle(url: string, trustDomain: string, auth: EndpointAuth, limits: FetchLimits): Promise<Bundle> {
  const maxBytes = limits.maxBytes ?? MAX_BUNDLE_DOCUMENT_BYTES;
  const maxRedirects = limits.maxRedirects ?? 10;
  const { timers, signal } = limits;
  return new Promise<Bundle>((resolve, reject) => {
    let settled = false;
    let current: ClientRequest | undefined;
    const finish = (err: unknown, bundle?: Bundle) => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      current?.destroy();
      if (err !== undefined) reject(RefresherErrors.fetchFailed(url, errorMessage(err), err));
      else resolve(bundle!);
    };
    const timer = timers.setTimeout(() => finish(new Error(`no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    const onAbort = () => finish(new Error('stopped'));
    if (signal?.aborted) return finish(new Error('stopped'));
    signal?.addEventListener('abort', onAbort);

    const answer = (target: URL, hops: number, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const at = hops > 0 ? ` (redirected to ${target.href})` : '';
      if (REDIRECTS.has(status) && res.headers.location) {
        res.resume();
        if (hops >= maxRedirects) return finish(new Error(`stopped after ${maxRedirects} redirects`));
        let next: URL;
        try {
          next = new URL(res.headers.location, target);
        } catch {
          return finish(new Error(`malformed redirect location ${JSON.stringify(res.headers.location)}`));
        }
        return get(next, hops + 1);
      }
      const limit = status === 200 ? maxBytes : STATUS_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const body = Buffer.concat(chunks);
        if (status !== 200) return finish(new Error(`unexpected status ${status} fetching bundle${at}: ${body.subarray(0, STATUS_BODY_BYTES).toString('utf8')}`));
        let bundle: Bundle;
        try {
          bundle = parseBundleDocument(body, trustDomain, { maxBytes });
        } catch (err) {
          return finish(new Error(`invalid bundle document${at}: ${errorMessage(err)}`));
        }
        finish(undefined, bundle);
      };
      res.on('data', (d: Buffer) => {
        size += d.length;
        chunks.push(d);
        if (size <= limit) return;
        if (status === 200) finish(new Error(`${CAErrors.bundleDocumentTooLarge(maxBytes).message}${at}`));
        else done();
      });
      res.on('end', done);
      res.on('error', (e) => finish(e));
    };

    const get = (target: URL, hops: number) => {
      if (settled) return;
      if (target.protocol !== 'https:') return finish(new Error(`refusing to follow a redirect to ${target.href}: not https`));
      const req = request(target, { method: 'GET', agent: false, headers: { accept: 'application/json' }, ...tlsOptions(auth) }, (res) => answer(target, hops, res));
      current = req;
      req.on('error', (e) => finish(hops > 0 ? new Error(`${errorMessage(e)} (redirected to ${target.href})`, { cause: e }) : e));
      req.end();
    };

    try {
      get(new URL(url), 0);
    } catch (err) {
      finish(err);
    }
  });
}
