import type { IncomingMessage, ServerResponse } from 'node:http';
import { Code } from '../errors.js';
import { httpStatusOf } from './api/http-status.js';

/** The console's Content-Security-Policy: nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The session cookie's name. */
export const SESSION_COOKIE = 'spire_console';

/** The header every non-GET API call must carry, equal to the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** Headers on every console response. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** `Set-Cookie` value opening a session. */
export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; Secure; SameSite=Strict; Path=/`;
}

/** `Set-Cookie` value clearing the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`;
}

/** The session cookie's value in a request, if any. */
export function sessionIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim() || undefined;
  }
  return undefined;
}

/** The HTTP status of an API error by its gRPC code name (docs/console.md); others 500. */
export function httpStatusForCode(code: string): number {
  const c: unknown = (Code as unknown as Record<string, unknown>)[code];
  return typeof c === 'number' ? httpStatusOf(c as Code) : 500;
}

/** Sends `json` with `status`, as every API answer: no caching. */
export function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends an API error `{"error":{"code","message"}}` with the status of its code. */
export function sendApiError(res: ServerResponse, code: string, message: string): void {
  sendJson(res, httpStatusForCode(code), { error: { code, message } });
}

/** Sends an HTML page (`Cache-Control: no-store`). */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/** Redirects with 303 See Other. */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...headers, Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

/** The largest request body the console reads (entry imports can be large). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON body: undefined when empty. Throws `{ code, message }` for a body that is not JSON
 * (INVALID_ARGUMENT "request body is not valid JSON: ...") or too large (RESOURCE_EXHAUSTED).
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw { code: 'RESOURCE_EXHAUSTED', message: `request body is larger than ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw { code: 'INVALID_ARGUMENT', message: `request body is not valid JSON: ${(err as Error).message}` };
  }
}
