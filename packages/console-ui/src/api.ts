/**
 * The console's one HTTP client. Every call goes through `call`, the single place that adds
 * X-CSRF-Token to changes and sends the browser back to the login page on a 401.
 */
import type {
  BundleFormat, Metrics, ParseEntriesResponse, PurgeRequest, PurgeResponse, RpcMap, RpcName,
  ServerInfo, Session, SetFederatedBundleRequest, SetFederatedBundleResponse, FederationStatus,
} from './api-types';

/** An API error as the server reports it: `{"error":{"code","message"}}`. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';

/** Where a 401 sends the browser (the session expired or was never there). */
export const LOGIN_EXPIRED = '/login?expired=1';

/**
 * Set by the first 401: a page often has several calls in flight, and a second navigation would
 * abort the first one mid-flight, so only the first sends the browser away.
 */
let leaving = false;

async function call(method: 'GET' | 'POST', path: string, body?: unknown, asText = false): Promise<unknown> {
  const headers: Record<string, string> = { Accept: asText ? 'text/plain, application/json' : 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrfToken;
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError('UNAVAILABLE', `the server did not answer: ${(err as Error).message}`, 0);
  }
  if (res.status === 401) {
    if (!leaving) {
      leaving = true;
      location.assign(LOGIN_EXPIRED);
    }
    throw new ApiError('UNAUTHENTICATED', 'the session has expired; going back to the login page', 401);
  }
  if (!res.ok) {
    let code = 'UNKNOWN';
    let message = `the server answered HTTP ${res.status}`;
    try {
      const j = (await res.json()) as { error?: { code?: string; message?: string } };
      if (j.error?.code) code = j.error.code;
      if (j.error?.message) message = j.error.message;
    } catch {
      // not JSON: keep the HTTP status text
    }
    throw new ApiError(code, message, res.status);
  }
  return asText ? res.text() : res.json();
}

/** Calls one allowed RPC through the bridge (`POST /api/v1/rpc/<service>/<Method>`). */
export function rpc<N extends RpcName>(name: N, req: RpcMap[N][0]): Promise<RpcMap[N][1]> {
  return call('POST', `/rpc/${name}`, req) as Promise<RpcMap[N][1]>;
}

/** Loads the session and keeps its CSRF token for later changes. */
export async function loadSession(): Promise<Session> {
  const s = (await call('GET', '/session')) as Session;
  csrfToken = s.csrfToken;
  return s;
}

/** Ends the session (the server clears the cookie). */
export function logout(): Promise<unknown> {
  return call('POST', '/logout', {});
}

/** Version, uptime, health and counts. */
export function getServer(): Promise<ServerInfo> {
  return call('GET', '/server') as Promise<ServerInfo>;
}

/** The last samples of SVID issuance and RPC errors. */
export function getMetrics(): Promise<Metrics> {
  return call('GET', '/server/metrics') as Promise<Metrics>;
}

/** The URL of the local bundle in `format`; with `download`, served as an attachment. */
export function localBundleUrl(format: BundleFormat, download: boolean): string {
  return `/api/v1/bundle/local?format=${format}${download ? '&download=1' : ''}`;
}

/** The local bundle as `spire-server bundle show -format <format>` prints it. */
export function getLocalBundle(format: BundleFormat): Promise<string> {
  return call('GET', `/bundle/local?format=${format}`, undefined, true) as Promise<string>;
}

/** Sets a federated bundle from PEM or SPIFFE text, as `spire-server bundle set` does. */
export function setFederatedBundle(req: SetFederatedBundleRequest): Promise<SetFederatedBundleResponse> {
  return call('POST', '/bundle/federated', req) as Promise<SetFederatedBundleResponse>;
}

/** Parses an `entry create -data` file into entries (the server's parser and messages). */
export function parseEntries(data: string): Promise<ParseEntriesResponse> {
  return call('POST', '/entries/parse', { data }) as Promise<ParseEntriesResponse>;
}

/** Purges agents expired for longer than `expiredFor`, as `spire-server agent purge` does. */
export function purgeAgents(req: PurgeRequest): Promise<PurgeResponse> {
  return call('POST', '/agents/purge', req) as Promise<PurgeResponse>;
}

/** The federated-bundle refresher's last results. */
export function getFederationStatus(): Promise<FederationStatus[]> {
  return call('GET', '/federation/status') as Promise<FederationStatus[]>;
}

/** The message to show for a failed call. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
