import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { tokenReviewer, type TokenReviewer } from '@spire-ts/plugin-kube';
import { parseSatConfig, type SatConfig } from './config.js';
import { SatAttestor } from './sat-attestor.js';

export type { SatConfig, SatClusterConfig } from './config.js';
export { SatAttestor, DEPRECATION_WARNING, PROJECTED_TOKEN_WARNING } from './sat-attestor.js';

/**
 * The built-in NodeAttestor "k8s_sat" (SPIRE v1.11's, deprecated there in favour of k8s_psat).
 * Logs SPIRE's deprecation warning whenever it is configured. Checks that no agent was attested
 * with the ID it makes through the AgentStore host service.
 */
export const k8sSatNodeAttestor = defineNodeAttestor<SatConfig>({
  name: 'k8s_sat',
  parseConfig: parseSatConfig,
  create: ({ config, trustDomain, host, log }) => {
    const reviewers = new Map<string, TokenReviewer>();
    for (const [name, c] of config.clusters) if (c.useTokenReviewApi) reviewers.set(name, tokenReviewer(c.kubeConfigFile));
    return new SatAttestor(config, trustDomain, reviewers, host, log);
  },
});
