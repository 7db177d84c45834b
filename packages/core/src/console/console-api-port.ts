import type { CallerInfo } from '../api/caller.js';
import type { PipelineEnv, ServiceHandlers } from '../api/handler.js';
import type { BundleRefresher } from '../api/ports.js';
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { Metrics } from '../telemetry/index.js';

/** One `/api/v1/*` call as the console server hands it over (session and CSRF already checked). */
export interface ConsoleApiRequest {
  method: string;
  /** The path after `/api/v1`, e.g. `/rpc/spire.api.server.entry.v1.Entry/ListEntries`. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  /** The session's caller: the pipeline authorizes and audits the call as this caller. */
  caller: CallerInfo;
  /** Aborted when the browser goes away. */
  signal: AbortSignal;
}

/** The answer to one call: `json` is sent as JSON, else `text` with `contentType`. */
export interface ConsoleApiResponse {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The console's JSON API (docs/console.md): everything under `/api/v1` but session and logout. */
export interface ConsoleApi {
  /** Answers one call. Should not throw; a throw is answered 500 INTERNAL by the console server. */
  handle(req: ConsoleApiRequest): Promise<ConsoleApiResponse>;
}

/** What the running server offers the console API, gathered by the server's start-up. */
export interface ConsoleServerParts {
  settings: ServerConfig;
  log: Logger;
  /** The API services and the admin socket's pipeline env (authorize, rate limits, audit). */
  adminPipeline: { readonly services: readonly ServiceHandlers[]; readonly env: PipelineEnv };
  dataStore: DataStore;
  metrics: Metrics;
  /** The federated bundle refresher (the server's FederationManager). */
  bundleRefresher: BundleRefresher;
  /** The server's overall health, from its last check run. */
  health: () => Promise<{ live: boolean; ready: boolean }>;
  version: string;
  startedAt: Date;
}

/**
 * The ConsoleApi the server wires into the console. The one place where the console server meets
 * the console API: until the API is merged this answers every call 501 UNIMPLEMENTED
 * "console API not wired". Pure; safe to call more than once.
 */
export function consoleApiFor(parts: ConsoleServerParts): ConsoleApi {
  void parts;
  return {
    handle: async () => ({ status: 501, json: { error: { code: 'UNIMPLEMENTED', message: 'console API not wired' } } }),
  };
}
