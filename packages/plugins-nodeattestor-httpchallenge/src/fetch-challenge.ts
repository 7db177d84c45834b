import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { isIP, type BlockList } from 'node:net';
import { isRefusedAddress } from './address-policy.js';
import type { AttestationData } from './payload.js';

/** SPIRE's bound on the whole fetch (resolution, connection, headers and body). */
export const CHALLENGE_TIMEOUT_MS = 10_000;
/** SPIRE reads at most 64 bytes of the answer; a longer answer is refused here. */
export const MAX_BODY_BYTES = 64;

/** Resolves a host name to its addresses (every one, in the resolver's order). */
export type Resolver = (hostName: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, as the rest of the process resolves names). */
export const systemResolver: Resolver = async (hostName) => (await lookup(hostName, { all: true, verbatim: true })).map((a) => a.address);

/** What {@link verifyChallenge} needs besides the payload and the nonce. */
export interface FetchSettings {
  timeoutMs: number;
  resolve: Resolver;
  /** Special-use addresses allowed anyway (`allow_special_addresses`). */
  allowedSpecial: BlockList;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

/** The URL SPIRE's server fetches for this payload. */
export function challengeUrl(d: AttestationData): string {
  return `http://${d.hostName}:${d.port}/.well-known/spiffe/nodeattestor/http_challenge/${d.agentName}/challenge`;
}

function checkShape(d: AttestationData): void {
  if (d.hostName === '') throw new Error('hostname must be set');
  if (d.agentName === '') throw new Error('agentname must be set');
  if (d.port <= 0 || d.port > 65535) throw new Error('port is invalid');
  if (d.hostName.includes('/')) throw new Error('hostname can not contain a slash');
  if (d.hostName.includes(':')) throw new Error('hostname can not contain a colon');
  if (d.agentName.includes('.')) throw new Error('agentname can not contain a dot');
  if (!HOST_NAME.test(d.hostName)) throw new Error('hostname is not a valid DNS name');
}

async function addressesOf(host: string, s: FetchSettings): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await s.resolve(host);
  } catch (e) {
    throw new Error(`lookup ${host}: ${(e as Error).message}`);
  }
  if (addresses.length === 0) throw new Error(`hostname ${JSON.stringify(host)} has no address`);
  // Every address is checked: a name that also resolves to a special address is refused.
  for (const a of addresses) {
    if (isRefusedAddress(a, s.allowedSpecial)) throw new Error(`hostname ${JSON.stringify(host)} resolves to ${a}, a loopback, link-local or other special-use address`);
  }
  return addresses;
}

/** One GET to the pinned address; resolves with the body. No redirect is followed; the body is capped. */
function get(url: string, address: string, d: AttestationData, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const fail = (e: Error) => {
      req.destroy();
      reject(e);
    };
    const req = request({
      host: address,
      port: d.port,
      method: 'GET',
      path: new URL(url).pathname,
      headers: { host: `${d.hostName}:${d.port}`, accept: '*/*' },
      agent: false,
    });
    const onAbort = () => fail(new Error(`Get "${url}": context deadline exceeded`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', (e) => reject(new Error(`Get "${url}": ${e.message}`)));
    req.on('response', (res) => {
      const location = res.headers.location;
      if (REDIRECT.has(res.statusCode ?? 0) && location !== undefined) {
        let target = location;
        try {
          new URL(location);
        } catch {
          target = new URL(location, url).href;
        }
        return fail(new Error(`Get "${target}": http redirects are disabled`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) return fail(new Error(`response body is larger than ${MAX_BODY_BYTES} bytes`));
        chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', (e) => reject(new Error(`Get "${url}": ${e.message}`)));
    });
    req.end();
  });
}

/**
 * SPIRE's VerifyChallenge with the SSRF rules: the payload's shape is checked; the host name is
 * resolved once and every address checked (special-use addresses refused unless allowed); the
 * request goes to the first checked address, so a second resolution cannot move it, with the
 * agent's host name as the Host header; a redirect is an error, never followed; the body may hold
 * at most {@link MAX_BODY_BYTES}; everything must finish within `timeoutMs`. The trimmed body
 * must equal the nonce. Throws Error with the reason; never returns anything but success.
 */
export async function verifyChallenge(d: AttestationData, nonce: string, s: FetchSettings): Promise<void> {
  checkShape(d);
  const url = challengeUrl(d);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), s.timeoutMs);
  try {
    const deadline = new Promise<never>((_, reject) =>
      ac.signal.addEventListener('abort', () => reject(new Error(`Get "${url}": context deadline exceeded`)), { once: true }),
    );
    deadline.catch(() => undefined);
    const addresses = await Promise.race([addressesOf(d.hostName, s), deadline]);
    const body = await get(url, addresses[0]!, d, ac.signal);
    if (body.toString('utf8').trim() !== nonce) throw new Error('expected nonce was not found in HTTP response');
  } finally {
    clearTimeout(timer);
  }
}
