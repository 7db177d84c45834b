/**
 * Storage Shared Key authorization (blob service, version 2015-02-21 and later): the string to
 * sign of a request, and the check of a `SharedKey <account>:<signature>` header against it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const header = (h: IncomingHttpHeaders, name: string): string => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/**
 * The string to sign: the verb, the standard headers (an empty Content-Length when it is 0), the
 * `x-ms-` headers sorted, then `/<account><path>` and the query parameters sorted, lower-cased.
 */
export function sharedKeyStringToSign(method: string, path: string, query: URLSearchParams, headers: IncomingHttpHeaders, account: string): string {
  const contentLength = header(headers, 'content-length');
  const standard = [
    method.toUpperCase(),
    header(headers, 'content-encoding'),
    header(headers, 'content-language'),
    contentLength === '0' ? '' : contentLength,
    header(headers, 'content-md5'),
    header(headers, 'content-type'),
    header(headers, 'date'),
    header(headers, 'if-modified-since'),
    header(headers, 'if-match'),
    header(headers, 'if-none-match'),
    header(headers, 'if-unmodified-since'),
    header(headers, 'range'),
  ];
  const msHeaders = Object.keys(headers)
    .filter((n) => n.toLowerCase().startsWith('x-ms-'))
    .sort()
    .map((n) => `${n.toLowerCase().trimEnd()}:${header(headers, n).trimStart()}\n`)
    .join('');
  const params = new Map<string, string[]>();
  for (const [k, v] of query) params.set(k.toLowerCase(), [...(params.get(k.toLowerCase()) ?? []), v]);
  const resource =
    `/${account}${path || '/'}` +
    [...params.keys()]
      .sort()
      .map((k) => `\n${k}:${params.get(k)!.sort().join(',')}`)
      .join('');
  return `${standard.join('\n')}\n${msHeaders}${resource}`;
}

/** True when `signature` (base64) is the HMAC-SHA256 of `stringToSign` under `accountKey` (base64). */
export function sharedKeySignatureValid(stringToSign: string, accountKey: string, signature: string): boolean {
  const expected = createHmac('sha256', Buffer.from(accountKey, 'base64')).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
