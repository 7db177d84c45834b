import { defineUpstreamAuthority } from '@spire-ts/core/plugin';
import { parseSpireUpstreamConfig, type SpireUpstreamConfig } from './config.js';
import { SpireUpstreamAuthority } from './spire-upstream-authority.js';

export { parseSpireUpstreamConfig, type SpireUpstreamConfig } from './config.js';
export { SpireUpstreamAuthority, DEFAULT_TIMINGS, type SpireUpstreamTimings } from './spire-upstream-authority.js';
export { SpireUpstreamErrors } from './errors.js';
export { checkServerId } from './upstream-client.js';
export { WorkloadX509Source, readWorkloadSvid, type WorkloadSvid, type WorkloadSourceOptions } from './workload-x509-source.js';

/**
 * The descriptor of UpstreamAuthority "spire" (nested SPIRE). Configuring connects to nothing:
 * the Workload API and the upstream server are reached when the server first mints or publishes.
 */
export const spireUpstreamAuthority = defineUpstreamAuthority<SpireUpstreamConfig>({
  name: 'spire',
  parseConfig: (raw) => parseSpireUpstreamConfig(raw),
  create: ({ config, trustDomain, log }) => new SpireUpstreamAuthority(config, trustDomain.idString(), log),
});
