import {
  agentIdFromTemplate,
  assessTofu,
  type AgentAttributes,
  type HostServices,
  type Logger,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import type { AwsIidApi, Ec2InstanceView } from './aws-api.js';
import { AwsClients, type ApiFactory } from './aws-clients.js';
import type { AwsIidConfig } from './config.js';
import { withAwsDeadline } from './deadline.js';
import { EksValidator } from './eks-validator.js';
import { AwsIidErrors as E } from './errors.js';
import { verifyIdentityPayload, type InstanceIdentity } from './iid-verify.js';
import { blockDeviceProblem, documentSelectors, instanceProfileName, instanceSelectors, instanceTags } from './instance-checks.js';
import { OrgValidator } from './org-validator.js';
import type { RegionCerts } from './region-certs.js';

/** The plugin's name, the first segment of its default agent ID paths. */
export const PLUGIN_NAME = 'aws_iid';

/** SPIRE's bound on each stage of an attestation's AWS calls. */
export const AWS_TIMEOUT_MS = 20_000;

/** What the attestor is built from besides its configuration. */
export interface AwsIidAttestorDeps {
  trustDomain: TrustDomain;
  host: HostServices;
  log: Logger;
  certs: RegionCerts;
  apiFactory: ApiFactory;
  /** Bound on each stage of AWS calls (default {@link AWS_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Clock of the organization and EKS caches, epoch ms. */
  now?: () => number;
}

/**
 * The aws_iid NodeAttestor. The agent sends its EC2 instance identity document with AWS's
 * signatures; the identity is what AWS signed (checked against the region certificates shipped
 * with the plugin), then confirmed with AWS itself: the account may have to be in the
 * organization, the instance a node of an EKS cluster, and DescribeInstances must show it pending
 * or running, with its root volume attached at launch (root-volume-swap defence). Trust on first
 * use: an agent ID already attested is refused until the agent is evicted; agents never re-attest.
 */
export class AwsIidAttestor implements NodeAttestor {
  private readonly clients: AwsClients;
  private readonly org?: OrgValidator;
  private readonly eks?: EksValidator;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: AwsIidConfig,
    private readonly deps: AwsIidAttestorDeps,
  ) {
    const now = deps.now ?? Date.now;
    this.timeoutMs = deps.timeoutMs ?? AWS_TIMEOUT_MS;
    this.clients = new AwsClients(config, deps.apiFactory);
    if (config.verifyOrganization) this.org = new OrgValidator(config.verifyOrganization, now, deps.log);
    if (config.eksClusterNames) this.eks = new EksValidator(config.eksClusterNames, now);
  }

  /**
   * Throws INVALID_ARGUMENT for a payload that does not decode or whose signature does not verify
   * (or whose PKCS#7 holds another document), PERMISSION_DENIED when the agent ID was already
   * attested, INTERNAL (SPIRE's code) for an unknown region, an account outside the organization,
   * an instance outside the EKS clusters, an instance AWS does not show or a failed block-device
   * check, and UNAVAILABLE when AWS cannot be reached or does not answer in time. Writes nothing.
   */
  async attest(payload: Uint8Array): Promise<AgentAttributes> {
    const doc = verifyIdentityPayload(payload, this.deps.certs);
    await this.checkOrganization(doc);
    await this.checkEks(doc);

    const api = this.clients.get(doc.region, doc.accountId);
    return withAwsDeadline(this.timeoutMs, async (signal) => {
      let reservations: Ec2InstanceView[][];
      try {
        reservations = await api.describeInstance(doc.instanceId, signal);
      } catch (e) {
        throw E.describeInstance(e);
      }
      const checkBlockDevice = !this.config.localValidAccountIds.has(doc.accountId) && !this.config.skipBlockDevice;
      let instance: Ec2InstanceView | undefined;
      if (this.config.templateUsesTags || checkBlockDevice) {
        if (reservations.length === 0) throw E.noReservations();
        instance = reservations[0]![0];
        if (!instance) throw E.noInstances();
      }
      if (checkBlockDevice) {
        const problem = blockDeviceProblem(instance!);
        if (problem) throw E.blockDevice(problem);
      }
      const spiffeId = this.agentId(doc, instanceTags(instance));
      await assessTofu(this.deps.host, this.deps.log, spiffeId);
      const selectorValues = await this.selectors(doc, reservations, api, signal);
      return { spiffeId, selectorValues, canReattest: false };
    });
  }

  private async checkOrganization(doc: InstanceIdentity): Promise<void> {
    const org = this.org;
    if (!org) return;
    const cfg = this.config.verifyOrganization!;
    let member: boolean;
    try {
      member = await withAwsDeadline(this.timeoutMs, (signal) =>
        org.isMember(doc.accountId, org.fileMode ? undefined : this.clients.get(cfg.managementAccountRegion, cfg.managementAccountId), signal),
      );
    } catch (e) {
      throw E.orgLookup(doc.accountId, e);
    }
    if (!member) throw E.notInOrg(doc.accountId);
  }

  private async checkEks(doc: InstanceIdentity): Promise<void> {
    const eks = this.eks;
    if (!eks) return;
    let node: boolean;
    try {
      node = await withAwsDeadline(this.timeoutMs, (signal) => eks.isNode(doc.instanceId, this.clients.get(doc.region, doc.accountId), signal));
    } catch (e) {
      throw E.eksLookup(doc.instanceId, e);
    }
    if (!node) throw E.notInEks(doc.instanceId);
  }

  private agentId(doc: InstanceIdentity, tags: Map<string, string>): string {
    try {
      return agentIdFromTemplate(this.deps.trustDomain, this.config.pathTemplate, {
        PluginName: PLUGIN_NAME,
        AccountID: doc.accountId,
        Region: doc.region,
        InstanceID: doc.instanceId,
        // SPIRE's template data has this field and never fills it.
        TrustDomain: '',
        Tags: tags,
      }).toString();
    } catch (e) {
      throw E.agentId(e);
    }
  }

  private async selectors(doc: InstanceIdentity, reservations: Ec2InstanceView[][], api: AwsIidApi, signal: AbortSignal): Promise<string[]> {
    const set = new Set<string>(documentSelectors(doc));
    for (const instances of reservations) {
      for (const i of instances) {
        for (const s of instanceSelectors(i)) set.add(s);
        if (this.config.disableInstanceProfileSelectors || !i.instanceProfileArn) continue;
        let name: string;
        try {
          name = instanceProfileName(i.instanceProfileArn);
        } catch (e) {
          throw E.profileArn((e as Error).message);
        }
        let roles: string[];
        try {
          roles = await api.instanceProfileRoles(name, signal);
        } catch (e) {
          throw E.instanceProfile(e);
        }
        for (const arn of roles) set.add(`iamrole:${arn}`);
      }
    }
    return [...set].sort();
  }

  /** Closes the AWS clients; safe to call twice. */
  close(): void {
    this.clients.close();
  }
}
