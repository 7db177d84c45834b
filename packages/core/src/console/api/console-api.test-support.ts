import type { CallerInfo } from '../../api/caller.js';
import { startHarness, type Harness, type HarnessOptions } from '../../api/testing/harness.js';
import { createConsoleApi } from './console-api.js';
import { consoleApiDepsFrom, type ConsoleApiDeps } from './deps.js';
import type { ConsoleApi, ConsoleApiResponse } from './types.js';

/** A login-link session's caller: the admin socket's rights. */
export const LINK_CALLER: CallerInfo = { transport: 'uds', addr: 'console', ip: '', console: { user: 'link:0123abcd', remote: '127.0.0.1' } };

/** A console caller over TCP without an SVID: no admin rights. */
export const NO_RIGHTS_CALLER: CallerInfo = { transport: 'tcp', addr: '127.0.0.1:40000', ip: '127.0.0.1', console: { user: 'nobody', remote: '127.0.0.1' } };

/** The API harness (SQLite store, fake CA, audit log on) with a console API over its admin pipeline. */
export interface ConsoleHarness {
  h: Harness;
  api: ConsoleApi;
  /** One request as `caller` (default LINK_CALLER). */
  req(method: string, path: string, body?: unknown, opts?: { caller?: CallerInfo; query?: string }): Promise<ConsoleApiResponse>;
  close(): Promise<void>;
}

/** Starts the harness and the console API over it; `deps` overrides console deps. */
export async function startConsoleHarness(opts: HarnessOptions = {}, deps: Partial<ConsoleApiDeps> = {}): Promise<ConsoleHarness> {
  const h = await startHarness({ auditLogEnabled: true, ...opts });
  const api = createConsoleApi({
    ...consoleApiDepsFrom({ endpoints: h.endpoints, trustDomain: h.td.name, startedAtMs: Date.parse('2026-01-02T03:04:05Z'), health: { state: async () => ({ live: true, ready: true }) } }),
    ...deps,
  });
  const ac = new AbortController();
  return {
    h,
    api,
    req: (method, path, body, o = {}) => api.handle({ method, path, query: new URLSearchParams(o.query ?? ''), body, caller: o.caller ?? LINK_CALLER, signal: ac.signal }),
    close: () => h.close(),
  };
}
