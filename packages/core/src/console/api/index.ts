export { createConsoleApi } from './console-api.js';
export { consoleApiDepsFrom, type ConsoleApiDeps, type ConsoleApiSources } from './deps.js';
export { CONSOLE_METHODS } from './api-invoker.js';
export { httpStatusOf } from './http-status.js';
export { ConsoleCounterSink, MetricsSampler, type CounterSource, type MetricsSample, type MetricsSamples, type MetricsSamplerOptions } from './metrics-sampler.js';
export type { ConsoleApi, ConsoleApiRequest, ConsoleApiResponse } from './types.js';
