import type { CallerInfo } from '../../api/caller.js';

/** One `/api/v1/*` request as the console's HTTP server hands it over (after session and CSRF checks). */
export interface ConsoleApiRequest {
  /** The HTTP method (`GET`, `POST`, ...). */
  method: string;
  /** The path after `/api/v1`, e.g. `/rpc/entry/ListEntries` or `/server`. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when there was none). */
  body: unknown;
  /** The session's caller: every call runs through authorization, rate limits and audit as it. */
  caller: CallerInfo;
  /** Aborted when the browser goes away. */
  signal: AbortSignal;
}

/** What the HTTP server writes back: `json` (serialized as JSON) or `text` with `contentType`. */
export interface ConsoleApiResponse {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The console's JSON API below `/api/v1` (other than session and logout, which the server answers). */
export interface ConsoleApi {
  /** Answers one request; never rejects (a failure is an error response). */
  handle(req: ConsoleApiRequest): Promise<ConsoleApiResponse>;
}
