import { agentIdFromTemplate, assessTofu, type AgentAttributes, type HostServices, type Logger, type NodeAttestor, type TrustDomain } from '@spire-ts/core/plugin';
import { withAzureDeadline } from '@spire-ts/plugin-azure';
import type { MsiArmApi } from './azure-api.js';
import type { MsiConfig } from './config.js';
import { MsiErrors as E } from './errors.js';
import type { CachingKeySet } from './key-set.js';
import { resolveSelectors } from './selectors.js';
import { checkClaims, verifyTokenSignature, type MsiClaims } from './token.js';

/** The plugin's name, the first segment of its default agent ID paths. */
export const PLUGIN_NAME = 'azure_msi';

/** Default bound on each stage of Azure calls (JWKS, then ARM). */
export const AZURE_TIMEOUT_MS = 20_000;

/** What the attestor is built from besides its configuration. */
export interface MsiAttestorDeps {
  trustDomain: TrustDomain;
  host: HostServices;
  log: Logger;
  keySet: CachingKeySet;
  /** ARM client per configured tenant ID. */
  arm: Map<string, MsiArmApi>;
  timeoutMs: number;
  now: () => number;
}

/**
 * The azure_msi NodeAttestor. The agent sends the access token of its VM's managed identity;
 * the token must be signed (allowed algorithm, `kid` in Microsoft's published keys) and carry
 * `tid` and `sub`. Trust on first use comes before the tenant check, as in SPIRE; then the tenant
 * must be configured and the claims valid (audience = the tenant's resource ID, times with 5 min
 * leeway, issuer = the tenant's). Selectors come from ARM. Agents never re-attest.
 */
export class MsiAttestor implements NodeAttestor {
  constructor(
    private readonly config: MsiConfig,
    private readonly deps: MsiAttestorDeps,
  ) {}

  /**
   * Throws INVALID_ARGUMENT for a malformed payload or a token that does not verify,
   * PERMISSION_DENIED for an agent ID already attested or a tenant not configured, INTERNAL for
   * claims that do not hold and ARM answers that do not name exactly one VM, and UNAVAILABLE when
   * Azure cannot be reached or does not answer in time. Writes nothing.
   */
  async attest(payload: Uint8Array): Promise<AgentAttributes> {
    const token = readToken(payload);
    let keySet;
    try {
      keySet = await withAzureDeadline(this.deps.timeoutMs, (signal) => this.deps.keySet.get(signal));
    } catch (e) {
      throw E.jwks(e);
    }
    const claims = await verifyTokenSignature(token, keySet);
    const tid = typeof claims.tid === 'string' ? claims.tid : '';
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (tid === '') throw E.missingTenant();
    if (sub === '') throw E.missingSubject();

    const spiffeId = this.agentId(claims, tid, sub);
    await assessTofu(this.deps.host, this.deps.log, spiffeId);

    const tenant = this.config.tenants.get(tid);
    const arm = this.deps.arm.get(tid);
    if (!tenant || !arm) throw E.tenantNotAuthorized(tid);
    checkClaims(claims, tid, tenant.resourceId, this.deps.now());

    const selectorValues = await withAzureDeadline(this.deps.timeoutMs, (signal) => resolveSelectors(arm, sub, signal));
    return { spiffeId, selectorValues, canReattest: false };
  }

  private agentId(claims: MsiClaims, tid: string, sub: string): string {
    try {
      return agentIdFromTemplate(this.deps.trustDomain, this.config.pathTemplate, {
        PluginName: PLUGIN_NAME,
        TenantID: tid,
        PrincipalID: sub,
      }).toString();
    } catch (e) {
      throw E.agentId(e);
    }
  }
}

function readToken(payload: Uint8Array): string {
  if (payload.length === 0) throw E.missingPayload();
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (e) {
    throw E.unmarshal((e as Error).message);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw E.unmarshal('payload is not a JSON object');
  const token = (data as { token?: unknown }).token;
  if (token !== undefined && typeof token !== 'string') throw E.unmarshal('"token" must be a string');
  if (!token) throw E.missingToken();
  return token;
}
