import { randomInt, type X509Certificate } from 'node:crypto';
import {
  agentIdFromTemplate,
  assessTofu,
  type AgentAttributes,
  type ChallengeFn,
  type HostServices,
  type Logger,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import { withAzureDeadline } from '@spire-ts/plugin-azure';
import type { ImdsArmApi, ImdsVm } from './azure-api.js';
import type { ImdsConfig } from './config.js';
import { validateAttestedDocument, type AttestedDocument } from './doc-validation.js';
import { ImdsErrors as E } from './errors.js';
import { vmSelectors, vmssNameProblem } from './selectors.js';

/** The plugin's name, the first segment of its default agent ID paths. */
export const PLUGIN_NAME = 'azure_imds';
/** Default bound on each stage of network calls (intermediate fetch, then ARM). */
export const AZURE_TIMEOUT_MS = 20_000;

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UUID = /^(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** A fresh 32-character alphanumeric nonce, as SPIRE's. */
export function newNonce(): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return s;
}

/** A configured tenant, resolved: its tenant ID and ARM client. */
export interface ResolvedTenant {
  tenantId: string;
  arm: ImdsArmApi;
}

/** What the attestor is built from besides its configuration. */
export interface ImdsAttestorDeps {
  trustDomain: TrustDomain;
  host: HostServices;
  log: Logger;
  /** By tenant domain (the key of `tenants`). */
  tenants: Map<string, ResolvedTenant>;
  /** The trust anchors: Azure's roots (or the test replacement) plus `trust_bundle_path`. */
  roots: X509Certificate[];
  timeoutMs: number;
  now: () => number;
}

interface Payload {
  document: AttestedDocument;
  agentDomain: string;
  vmssName?: string;
}

function readPayload(bytes: Uint8Array): Payload {
  if (bytes.length === 0) throw E.missingPayload();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw E.unmarshal((e as Error).message);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw E.unmarshal('payload is not a JSON object');
  const o = v as { document?: unknown; metadata?: unknown };
  const doc = (typeof o.document === 'object' && o.document !== null ? o.document : {}) as Record<string, unknown>;
  const md = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  for (const [k, x] of [['document.encoding', doc.encoding], ['document.signature', doc.signature], ['metadata.agentDomain', md.agentDomain]] as const) {
    if (x !== undefined && typeof x !== 'string') throw E.unmarshal(`${k} must be a string`);
  }
  if (md.vmssName !== undefined && md.vmssName !== null && typeof md.vmssName !== 'string') throw E.unmarshal('metadata.vmssName must be a string');
  return {
    document: { encoding: (doc.encoding as string) ?? '', signature: (doc.signature as string) ?? '' },
    agentDomain: (md.agentDomain as string) ?? '',
    ...(typeof md.vmssName === 'string' ? { vmssName: md.vmssName } : {}),
  };
}

/**
 * The azure_imds NodeAttestor. The server sends a nonce; the agent answers with the IMDS attested
 * document it fetched for that nonce and its tenant domain (and scale set name). The document
 * must be a PKCS#7 whose signer is a `metadata.azure.com` certificate chaining to Azure's roots;
 * it must state the nonce, a VM ID and a subscription. The tenant domain must be configured (and
 * the subscription allowed); trust on first use; selectors from ARM. Agents never re-attest.
 */
export class ImdsAttestor implements NodeAttestor {
  constructor(
    private readonly config: ImdsConfig,
    private readonly deps: ImdsAttestorDeps,
  ) {}

  /**
   * Throws INVALID_ARGUMENT for a malformed answer, a document that does not verify or a nonce
   * mismatch, PERMISSION_DENIED for a tenant or subscription not allowed or an agent ID already
   * attested, INTERNAL when ARM does not know the VM, UNAVAILABLE when the intermediate or ARM
   * cannot be reached in time. Writes nothing.
   */
  async attest(_payload: Uint8Array, challenge: ChallengeFn): Promise<AgentAttributes> {
    const nonce = newNonce();
    const p = readPayload(await challenge(new TextEncoder().encode(nonce)));
    let doc;
    try {
      doc = await withAzureDeadline(this.deps.timeoutMs, (signal) =>
        validateAttestedDocument(p.document, {
          allowedDomains: this.config.allowedMetadataDomains,
          roots: this.deps.roots,
          now: new Date(this.deps.now()),
          signal,
        }),
      );
    } catch (e) {
      throw E.document(e);
    }
    if (doc.vmId === '') throw E.missingVmId();
    if (doc.subscriptionId === '') throw E.missingSubscription();
    if (doc.nonce !== nonce) throw E.nonceMismatch();
    if (!UUID.test(doc.vmId)) throw E.invalidVmId(doc.vmId);

    const tenant = this.deps.tenants.get(p.agentDomain);
    const tenantConfig = this.config.tenants.get(p.agentDomain);
    if (!tenant || !tenantConfig) throw E.tenantNotAuthorized(p.agentDomain);
    const allowed = tenantConfig.restrictToSubscriptions;
    if (allowed.size > 0 && !allowed.has(doc.subscriptionId)) throw E.subscriptionNotAuthorized(doc.subscriptionId);

    let spiffeId: string;
    try {
      spiffeId = agentIdFromTemplate(this.deps.trustDomain, this.config.pathTemplate, {
        PluginName: PLUGIN_NAME,
        TenantID: tenant.tenantId,
        SubscriptionID: doc.subscriptionId,
        VMID: doc.vmId,
        Nonce: doc.nonce,
      }).toString();
    } catch (e) {
      throw E.agentId(e);
    }
    await assessTofu(this.deps.host, this.deps.log, spiffeId);

    const vm = await this.lookup(tenant.arm, doc.subscriptionId, doc.vmId, p.vmssName);
    return { spiffeId, selectorValues: vmSelectors(vm, doc.subscriptionId, tenantConfig.allowedVmTags, p.vmssName), canReattest: false };
  }

  private async lookup(arm: ImdsArmApi, sub: string, vmId: string, vmssName?: string): Promise<ImdsVm> {
    if (vmssName !== undefined) {
      const problem = vmssNameProblem(vmssName);
      if (problem) throw E.invalidVmss(problem);
    }
    let vm: ImdsVm | undefined;
    try {
      vm = await withAzureDeadline(this.deps.timeoutMs, (signal) =>
        vmssName !== undefined ? arm.vmssInstance(sub, vmssName, vmId, signal) : arm.vmByVmId(sub, vmId, signal),
      );
    } catch (e) {
      throw vmssName !== undefined ? E.listVmss(e) : E.getVm(e);
    }
    if (!vm) throw vmssName !== undefined ? E.vmssInstanceNotFound(vmId) : E.vmNotFound(vmId);
    return vm;
  }
}
