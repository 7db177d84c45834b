import type { PipelineEnv, ServiceHandlers } from '../api/handler.js';
import type { RefreshStatus } from '../federation/refresher/index.js';
import { consoleApiDepsFrom, createConsoleApi } from './api/index.js';
import type { ConsoleApi } from './api/types.js';
import type { MetricsSamples } from './api/metrics-sampler.js';

export type { ConsoleApi, ConsoleApiRequest, ConsoleApiResponse } from './api/types.js';

/** What the running server offers the console API, gathered by the server's start-up. */
export interface ConsoleServerParts {
  /** The server's trust domain name (`example.org`). */
  trustDomain: string;
  /** The API services and the admin socket's pipeline env (authorize, rate limits, audit). */
  adminPipeline: { readonly services: readonly ServiceHandlers[]; readonly env: PipelineEnv };
  /** The server's overall health, from its last check run. */
  health: { state(): Promise<{ live: boolean; ready: boolean }> };
  startedAt: Date;
  /** The chart samples (a started MetricsSampler). */
  samples?: { samples(): MetricsSamples };
  /** The federated bundle refresher's per-trust-domain status (the server's FederationManager). */
  federation?: { refreshStatus(): RefreshStatus[] };
}

/**
 * The ConsoleApi the server wires into the console: the one place where the console's HTTPS
 * server meets its JSON API (console/api/). Pure; safe to call more than once.
 */
export function consoleApiFor(parts: ConsoleServerParts): ConsoleApi {
  return createConsoleApi(
    consoleApiDepsFrom({
      endpoints: { pipeline: parts.adminPipeline },
      trustDomain: parts.trustDomain,
      startedAtMs: parts.startedAt.getTime(),
      health: parts.health,
      ...(parts.samples ? { metrics: parts.samples } : {}),
      ...(parts.federation ? { federation: parts.federation } : {}),
    }),
  );
}
