import { randomBytes } from 'node:crypto';
import {
  agentId,
  assessTofu,
  type AgentAttributes,
  type ChallengeFn,
  type HostServices,
  type Logger,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import type { HttpChallengeConfig } from './config.js';
import { HttpChallengeErrors as E } from './errors.js';
import { verifyChallenge, type Resolver } from './fetch-challenge.js';
import { checkAgentName, checkHostName, readAttestationData } from './payload.js';

/** The plugin's name: the selector type and the first segment of the agent ID path. */
export const PLUGIN_NAME = 'http_challenge';

/** A fresh nonce as SPIRE's: 32 random bytes, URL-safe base64 with padding. */
export function newNonce(): string {
  return randomBytes(32).toString('base64url') + '=';
}

/** What the attestor is built from besides its configuration. */
export interface HttpChallengeDeps {
  trustDomain: TrustDomain;
  host: HostServices;
  log: Logger;
  timeoutMs: number;
  resolve: Resolver;
}

/**
 * The http_challenge NodeAttestor. The agent names its host, port and agent name; the server
 * checks them against the configuration, sends `{"nonce": …}`, waits for the agent's answer
 * (whose content does not matter), then fetches the nonce from the agent's well-known URL (see
 * {@link verifyChallenge} for the SSRF rules). Agent ID `spiffe://<td>/spire/agent/http_challenge/<hostname>`,
 * selector `hostname:<hostname>`; with `tofu` the agent ID may be attested only once and the
 * agent may not re-attest.
 */
export class HttpChallengeAttestor implements NodeAttestor {
  constructor(
    private readonly config: HttpChallengeConfig,
    private readonly deps: HttpChallengeDeps,
  ) {}

  /**
   * Throws INVALID_ARGUMENT for a malformed payload, a port the configuration refuses or an
   * invalid agent name; PERMISSION_DENIED for `localhost` or a host name no pattern allows, a
   * failed fetch or a wrong nonce, or (TOFU) an agent ID already attested. Writes nothing.
   */
  async attest(payload: Uint8Array, challenge: ChallengeFn): Promise<AgentAttributes> {
    const c = this.config;
    const data = readAttestationData(payload);
    if (c.requiredPort !== undefined && data.port !== c.requiredPort) throw E.portNotAllowed(data.port);
    if (!c.allowNonRootPorts && data.port >= 1024) throw E.nonRootPort(data.port);
    checkAgentName(data.agentName);
    checkHostName(data.hostName, c.dnsPatterns);

    const nonce = newNonce();
    // The answer carries nothing; the proof is the nonce served over HTTP.
    await challenge(new TextEncoder().encode(JSON.stringify({ nonce })));
    this.deps.log.debug({ hostname: data.hostName, port: data.port }, 'Verifying challenge');
    try {
      await verifyChallenge(data, nonce, { timeoutMs: this.deps.timeoutMs, resolve: this.deps.resolve, allowedSpecial: c.allowedSpecial });
    } catch (e) {
      throw E.verification((e as Error).message, e);
    }

    let spiffeId: string;
    try {
      spiffeId = agentId(this.deps.trustDomain, PLUGIN_NAME, data.hostName).toString();
    } catch (e) {
      throw E.agentId(e);
    }
    if (c.tofu) await assessTofu(this.deps.host, this.deps.log, spiffeId);
    return { spiffeId, selectorValues: [`hostname:${data.hostName}`], canReattest: !c.tofu };
  }
}
