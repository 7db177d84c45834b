import { defineNodeAttestor, type NodeAttestor, type PluginDescriptor } from '@spire-ts/core/plugin';
import { parseHttpChallengeConfig, type HttpChallengeConfig } from './config.js';
import { CHALLENGE_TIMEOUT_MS, systemResolver, type Resolver } from './fetch-challenge.js';
import { HttpChallengeAttestor } from './http-challenge-attestor.js';

export { parseHttpChallengeConfig, type HttpChallengeConfig } from './config.js';
export { CHALLENGE_TIMEOUT_MS, MAX_BODY_BYTES, challengeUrl, systemResolver, verifyChallenge, type FetchSettings, type Resolver } from './fetch-challenge.js';
export { HttpChallengeAttestor, PLUGIN_NAME, newNonce, type HttpChallengeDeps } from './http-challenge-attestor.js';
export { HttpChallengeErrors } from './errors.js';
export { isRefusedAddress } from './address-policy.js';
export { readAttestationData, type AttestationData } from './payload.js';

/** Internal settings of {@link makeHttpChallengeNodeAttestor}; no config key sets them. */
export interface HttpChallengeInternalOptions {
  /** Bound on the whole fetch of the nonce (default {@link CHALLENGE_TIMEOUT_MS}, SPIRE's 10 s). */
  timeoutMs?: number;
  /** Host name resolution (default: the system resolver). */
  resolve?: Resolver;
}

/** The http_challenge descriptor with internal settings. */
export function makeHttpChallengeNodeAttestor(opts: HttpChallengeInternalOptions = {}): PluginDescriptor<'NodeAttestor', NodeAttestor, HttpChallengeConfig> {
  return defineNodeAttestor<HttpChallengeConfig>({
    name: 'http_challenge',
    parseConfig: (raw) => parseHttpChallengeConfig(raw),
    create: ({ config, trustDomain, host, log }) =>
      new HttpChallengeAttestor(config, {
        trustDomain,
        host,
        log,
        timeoutMs: opts.timeoutMs ?? CHALLENGE_TIMEOUT_MS,
        resolve: opts.resolve ?? systemResolver,
      }),
  });
}

/**
 * The built-in NodeAttestor "http_challenge": the agent proves it controls a host name by serving
 * the server's nonce at `http://<hostname>:<port>/.well-known/spiffe/nodeattestor/http_challenge/<agentname>/challenge`.
 */
export const httpChallengeNodeAttestor = makeHttpChallengeNodeAttestor();
