import type { PipelineEnv, ServiceHandlers } from '../../api/handler.js';
import type { RefreshStatus } from '../../federation/refresher/index.js';
import { VERSION } from '../../version.js';
import type { MetricsSamples } from './metrics-sampler.js';

/** What the console's API is built from. */
export interface ConsoleApiDeps {
  /** The API services (the admin socket's: Endpoints.pipeline.services). */
  services: readonly ServiceHandlers[];
  /** The admin socket's call pipeline env (Endpoints.pipeline.env): authorizer, rate limits, audit log, metrics, logger. */
  env: PipelineEnv;
  /** The server's trust domain name (`example.org`). */
  trustDomain: string;
  /** Reported by `GET /server`; default VERSION. */
  version?: string;
  /** When the server started (epoch ms). */
  startedAtMs: number;
  /** The server's health (its HealthChecker). */
  health: { state(): Promise<{ live: boolean; ready: boolean }> };
  /** The metrics samples (a started MetricsSampler); without it `GET /server/metrics` has none. */
  metrics?: { samples(): MetricsSamples };
  /** The federated bundle refresher (the server's FederationManager); without it the status list is empty. */
  federation?: { refreshStatus(): RefreshStatus[] };
  /** Default Date.now. */
  now?: () => number;
}

/** What the server has at hand when it starts the console; see consoleApiDepsFrom. */
export interface ConsoleApiSources {
  /** The running API endpoints (startEndpoints' result). */
  endpoints: { pipeline: { services: readonly ServiceHandlers[]; env: PipelineEnv } };
  trustDomain: string;
  startedAtMs: number;
  health: ConsoleApiDeps['health'];
  metrics?: ConsoleApiDeps['metrics'];
  federation?: ConsoleApiDeps['federation'];
}

/**
 * ConsoleApiDeps from the server's parts: the admin socket's services and pipeline from the
 * running endpoints, VERSION, and the rest as given. Pure; safe to call twice.
 */
export function consoleApiDepsFrom(s: ConsoleApiSources): ConsoleApiDeps {
  return {
    services: s.endpoints.pipeline.services,
    env: s.endpoints.pipeline.env,
    trustDomain: s.trustDomain,
    version: VERSION,
    startedAtMs: s.startedAtMs,
    health: s.health,
    ...(s.metrics ? { metrics: s.metrics } : {}),
    ...(s.federation ? { federation: s.federation } : {}),
  };
}
