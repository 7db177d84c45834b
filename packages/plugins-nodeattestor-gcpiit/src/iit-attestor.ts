import {
  agentIdFromTemplate,
  assessTofu,
  type AgentAttributes,
  type HostServices,
  type Logger,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import { withTimeout } from '@spire-ts/plugin-gcp';
import type { ComputeApi, InstanceView } from './compute-client.js';
import type { GcpIitConfig } from './config.js';
import { GcpIitErrors as E } from './errors.js';
import type { GoogleCertKeys } from './google-certs.js';
import { verifyIdentityToken, type IdentityToken } from './iit-verify.js';

/** The plugin's name, the first segment of its default agent ID paths. */
export const PLUGIN_NAME = 'gcp_iit';
/** Bound on each Google call of an attestation (certificates, instances.get). */
export const GCP_TIMEOUT_MS = 20_000;

/** What the attestor is built from besides its configuration. */
export interface GcpIitAttestorDeps {
  trustDomain: TrustDomain;
  host: HostServices;
  log: Logger;
  certs: GoogleCertKeys;
  /** The Compute client; required when `use_instance_metadata` is set, unused otherwise. */
  compute?: ComputeApi;
  timeoutMs?: number;
  /** Clock of token validation, epoch ms. */
  now?: () => number;
}

function selector(...parts: string[]): string {
  return `${parts[0]}:${parts.slice(1).join(':')}`;
}

/**
 * The gcp_iit NodeAttestor. The agent sends the instance identity token its metadata server
 * minted for the audience `spire-gcp-node-attestor`; the token must be signed by one of Google's
 * published keys and come from an allowed project. Trust on first use: an agent ID already
 * attested is refused until the agent is evicted; agents never re-attest. With
 * `use_instance_metadata`, Compute Engine's view of the instance adds tag, label and metadata
 * selectors.
 */
export class GcpIitAttestor implements NodeAttestor {
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly config: GcpIitConfig,
    private readonly deps: GcpIitAttestorDeps,
  ) {
    this.timeoutMs = deps.timeoutMs ?? GCP_TIMEOUT_MS;
    this.now = deps.now ?? Date.now;
  }

  /**
   * Throws UNAVAILABLE when Google's certificates or Compute cannot be reached in time,
   * INVALID_ARGUMENT for a missing, malformed or badly signed token, PERMISSION_DENIED for wrong
   * claims, a project outside the allow list or an agent ID already attested, and INTERNAL (as
   * SPIRE) for a failed instances.get or an oversize allowed metadata value. Writes nothing.
   */
  async attest(payload: Uint8Array): Promise<AgentAttributes> {
    let keys;
    try {
      keys = await withTimeout(this.timeoutMs, "Google's certificate endpoint", (signal) => this.deps.certs.get(signal));
    } catch (e) {
      throw E.certs(e);
    }
    if (payload.length === 0) throw E.missingPayload();
    const token = await verifyIdentityToken(Buffer.from(payload).toString('utf8'), keys, this.now());
    const ce = token.computeEngine;
    if (!this.config.projectIdAllowList.includes(ce.projectId)) throw E.projectNotAllowed(ce.projectId);
    const spiffeId = this.agentId(token);
    await assessTofu(this.deps.host, this.deps.log, spiffeId);

    const selectorValues = [
      selector('project-id', ce.projectId),
      selector('zone', ce.zone),
      selector('instance-name', ce.instanceName),
      selector('sa', token.email),
    ];
    if (this.config.useInstanceMetadata) selectorValues.push(...this.instanceSelectors(await this.fetchInstance(token)));
    return { spiffeId, selectorValues, canReattest: false };
  }

  private agentId(t: IdentityToken): string {
    const ce = t.computeEngine;
    try {
      return agentIdFromTemplate(this.deps.trustDomain, this.config.pathTemplate, {
        PluginName: PLUGIN_NAME,
        ServiceAccount: t.email.replaceAll('@', '_'),
        ProjectID: ce.projectId,
        ProjectNumber: ce.projectNumber,
        Zone: ce.zone,
        InstanceID: ce.instanceId,
        InstanceName: ce.instanceName,
        InstanceCreationTimestamp: ce.instanceCreationTimestamp,
      }).toString();
    } catch (e) {
      throw E.agentId(e);
    }
  }

  private async fetchInstance(t: IdentityToken): Promise<InstanceView> {
    const ce = t.computeEngine;
    const compute = this.deps.compute;
    if (!compute) throw E.instanceMetadata(new Error('no Compute Engine client'));
    try {
      return await withTimeout(this.timeoutMs, 'Compute Engine', (signal) => compute.getInstance(ce.projectId, ce.zone, ce.instanceName, signal));
    } catch (e) {
      // SPIRE's message names the fetch twice (its client wraps, then the attestor).
      throw E.instanceMetadata(new Error(`failed to fetch instance metadata: ${(e as Error).message}`, { cause: e }));
    }
  }

  private instanceSelectors(i: InstanceView): string[] {
    const { allowedLabelKeys, allowedMetadataKeys, maxMetadataValueSize } = this.config;
    const metadata: string[] = [];
    for (const m of i.metadata) {
      if (!allowedMetadataKeys.has(m.key)) continue;
      const value = m.value ?? '';
      const size = Buffer.byteLength(value, 'utf8');
      if (size > maxMetadataValueSize) throw E.metadataTooLarge(m.key, size, maxMetadataValueSize);
      metadata.push(selector('metadata', m.key, value));
    }
    const labels = Object.keys(i.labels)
      .filter((k) => allowedLabelKeys.has(k))
      .sort()
      .map((k) => selector('label', k, i.labels[k]!));
    return [...i.tags.map((t) => selector('tag', t)), ...labels, ...metadata];
  }

  /** Closes the Compute client; safe to call twice. */
  async close(): Promise<void> {
    await this.deps.compute?.close();
  }
}
