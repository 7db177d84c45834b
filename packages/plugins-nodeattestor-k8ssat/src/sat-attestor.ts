import { randomUUID } from 'node:crypto';
import { assessTofu, type AgentAttributes, type HostServices, type Logger, type NodeAttestor, type TrustDomain } from '@spire-ts/core/plugin';
import { readAttestationData, type TokenAttestationData, type TokenReviewer } from '@spire-ts/plugin-kube';
import { decodeClaims, namesFromClaims, timeProblem, type SatClaims } from './claims.js';
import type { SatClusterConfig, SatConfig } from './config.js';
import { SatErrors as E } from './errors.js';
import { parseJws, verifyJws, type ParsedJws } from './jws.js';

/** The plugin's name, the first segment of its agent ID paths. */
export const PLUGIN_NAME = 'k8s_sat';

/** What SPIRE logged (and noted) whenever k8s_sat was configured. */
export const DEPRECATION_WARNING =
  'The "k8s_sat" node attestor plugin has been deprecated in favor of the "k8s_psat" plugin and will be removed in a future release';

/** What SPIRE logged when a token verified with the key file carries an expiry. */
export const PROJECTED_TOKEN_WARNING =
  'The service account token has an expiration time, which is an indication that may be a projected service account token. If your cluster supports Service Account Token Volume Projection you should instead use the `k8s_psat` attestor as soon as possible. The `k8s_sat` attestor has been deprecated in favor of the `k8s_psat` attestor and will be removed in a future release. Please look at https://github.com/spiffe/spire/blob/main/doc/plugin_server_nodeattestor_k8s_sat.md#security-considerations for details about security considerations when using the `k8s_sat` attestor.';

/** Options for tests and embedding: the clock and the UUID source. */
export interface SatAttestorOptions {
  now?: () => number;
  newUuid?: () => string;
}

/**
 * The k8s_sat NodeAttestor as SPIRE v1.11 had it (SPIRE deprecated it in v1.9 and removed it in
 * v1.12; k8s_psat replaces it). The agent sends a legacy service account token, verified here with
 * the cluster's service account keys or by the API server (TokenReview, no audience). The agent ID
 * ends in a fresh UUID, so every attestation makes a new agent; agents may not re-attest.
 */
export class SatAttestor implements NodeAttestor {
  private readonly now: () => number;
  private readonly newUuid: () => string;

  constructor(
    private readonly config: SatConfig,
    private readonly td: TrustDomain,
    private readonly reviewers: ReadonlyMap<string, TokenReviewer>,
    private readonly host: HostServices,
    private readonly log: Logger,
    opts: SatAttestorOptions = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
    this.newUuid = opts.newUuid ?? randomUUID;
    log.warn(DEPRECATION_WARNING);
  }

  /**
   * Throws INVALID_ARGUMENT for a malformed payload, an unknown cluster or a token that does not
   * verify, PERMISSION_DENIED when the token is not authenticated, its service account is not
   * allowed or the agent ID is already attested, INTERNAL (SPIRE's code) when the review is not as
   * expected, UNAVAILABLE when the API server cannot be reached in time. Writes nothing.
   */
  async attest(payload: Uint8Array): Promise<AgentAttributes> {
    const data = readAttestationData(PLUGIN_NAME, payload);
    const cluster = this.config.clusters.get(data.cluster);
    if (!cluster) throw E.unknownCluster(data.cluster);

    // A fresh UUID should never collide; SPIRE checks it all the same (trust on first use).
    const spiffeId = `spiffe://${this.td.name}/spire/agent/${PLUGIN_NAME}/${data.cluster}/${this.newUuid()}`;
    await assessTofu(this.host, this.log, spiffeId);

    const names = cluster.useTokenReviewApi ? await this.namesFromReview(data) : this.namesFromKeys(cluster, data.token);
    const fullName = `${names.namespace}:${names.serviceAccount}`;
    if (!cluster.serviceAccounts.has(fullName)) throw E.serviceAccount(fullName);
    return {
      spiffeId,
      selectorValues: [`cluster:${data.cluster}`, `agent_ns:${names.namespace}`, `agent_sa:${names.serviceAccount}`],
      canReattest: false,
    };
  }

  private async namesFromReview(data: TokenAttestationData): Promise<{ namespace: string; serviceAccount: string }> {
    const reviewer = this.reviewers.get(data.cluster)!;
    let status;
    try {
      // No audience: legacy tokens have none.
      status = await reviewer.reviewToken(data.token, []);
      if (status.error !== '') throw new Error(`token review API response contains an error: ${status.error}`);
    } catch (e) {
      throw E.tokenReview(e);
    }
    if (!status.authenticated) throw E.notAuthenticated();
    const parts = status.username.split(':');
    try {
      if (status.username === '') throw new Error('empty username');
      if (parts.length !== 4) throw new Error(`unexpected username format: ${status.username}`);
      if (parts[2] === '') throw new Error('missing namespace');
      if (parts[3] === '') throw new Error('missing service account name');
    } catch (e) {
      throw E.username(e);
    }
    return { namespace: parts[2]!, serviceAccount: parts[3]! };
  }

  private namesFromKeys(cluster: SatClusterConfig, token: string): { namespace: string; serviceAccount: string } {
    let jws: ParsedJws;
    try {
      jws = parseJws(token);
    } catch (e) {
      throw E.parseToken(e);
    }
    if (!cluster.serviceAccountKeys.some((k) => verifyJws(jws, k))) {
      if (cluster.serviceAccountKeys.length === 0) throw E.unknownAuthority();
      throw E.verifyToken('go-jose/go-jose: error in cryptographic primitive');
    }
    let claims: SatClaims;
    try {
      claims = decodeClaims(jws.payload);
    } catch (e) {
      throw E.verifyToken((e as Error).message);
    }
    if (claims.exp !== undefined) {
      this.log.warn(PROJECTED_TOKEN_WARNING);
      const problem = timeProblem(claims, this.now() / 1000);
      if (problem) throw E.claimsTime(problem);
    }
    try {
      return namesFromClaims(claims);
    } catch (e) {
      throw E.claims(e);
    }
  }

  /** Holds nothing open; safe to call any number of times. */
  close(): void {}
}
