import { ConfigReader, parseDuration, PathTemplate, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { readAccountListFile } from './account-list-file.js';

/** The `verify_organization` block, parsed. */
export interface OrgValidationConfig {
  /** API mode: the management account whose Organizations API lists the members. */
  managementAccountId: string;
  /** API mode: the role assumed in the management account. */
  assumeOrgRole: string;
  /** API mode: the region of the Organizations client (default `us-west-2`). */
  managementAccountRegion: string;
  /** How long a fetched account list is trusted (default 3 minutes, at least 1 minute). */
  ttlMs: number;
  /** File mode: the JSON array of member account IDs ('' = API mode). */
  accountListFile: string;
}

/** aws_iid's parsed configuration. */
export interface AwsIidConfig {
  accessKeyId: string;
  secretAccessKey: string;
  skipBlockDevice: boolean;
  disableInstanceProfileSelectors: boolean;
  /** Accounts whose instances skip the block-device check. */
  localValidAccountIds: Set<string>;
  pathTemplate: PathTemplate;
  /** True when the configured template names `.Tags` (the instance is then always described). */
  templateUsesTags: boolean;
  /** The role assumed in the instance's account for every EC2/IAM/EKS/Auto Scaling call ('' = none). */
  assumeRole: string;
  partition: string;
  verifyOrganization?: OrgValidationConfig;
  /** The `validate_eks_cluster_membership` clusters; undefined when the block is absent. */
  eksClusterNames?: string[];
}

/** SPIRE's agent path when `agent_path_template` is not set. */
export const DEFAULT_AGENT_PATH_TEMPLATE = '/{{ .PluginName }}/{{ .AccountID }}/{{ .Region }}/{{ .InstanceID }}';
/** The ARN partitions SPIRE accepts. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;

const ORG = 'verify_organization';
const DEFAULT_ORG_REGION = 'us-west-2';
const DEFAULT_TTL = '3m';
const MIN_TTL_MS = 60_000;

function readOrgBlock(r: ConfigReader, b: ConfigReader): OrgValidationConfig {
  const q = JSON.stringify;
  const managementAccountId = b.string('management_account_id') ?? '';
  const assumeOrgRole = b.string('assume_org_role') ?? '';
  const region = b.string('management_account_region') ?? '';
  const ttlText = b.string('org_account_map_ttl') ?? '';
  const accountListFile = b.string('account_list_file') ?? '';
  if (accountListFile !== '') {
    if (managementAccountId !== '' || assumeOrgRole !== '') {
      r.problem(`${q('account_list_file')} is mutually exclusive with ${q('management_account_id')} and ${q('assume_org_role')} in the block: ${q(ORG)}`);
    }
    // SPIRE accepts the region here and never uses it; an option without effect is refused.
    if (region !== '') r.problem(`${q('account_list_file')} is mutually exclusive with ${q('management_account_region')} in the block: ${q(ORG)}`);
    try {
      readAccountListFile(accountListFile);
    } catch (e) {
      r.problem(`invalid ${q('account_list_file')} in the block: ${q(ORG)}: ${(e as Error).message}`);
    }
  } else if (managementAccountId === '' || assumeOrgRole === '') {
    r.problem(
      `please ensure that ${q('management_account_id')} & ${q('assume_org_role')} are present inside block or remove the block: ${q(ORG)} for feature node attestation using account id verification`,
    );
  }
  let ttlMs = parseDuration(DEFAULT_TTL);
  if (ttlText !== '') {
    let t: number | undefined;
    try {
      t = parseDuration(ttlText);
    } catch {
      r.problem(
        `please ensure that ${q('org_account_map_ttl')} if configured, it should be in duration and is suffixed with required 'm' for time duration in minute ex. '5m'. Otherwise, remove the: ${q('org_account_map_ttl')}, in the block: ${q(ORG)}. Default TTL will be: ${q(DEFAULT_TTL)}`,
      );
    }
    if (t !== undefined && t < MIN_TTL_MS) {
      r.problem(
        `please ensure that ${q('org_account_map_ttl')} if configured, it should be greater than or equal to ${q('1m')}. Otherwise remove the: ${q('org_account_map_ttl')}, in the block: ${q(ORG)}. Default TTL will be: ${q(DEFAULT_TTL)}`,
      );
    } else if (t !== undefined) ttlMs = t;
  }
  return { managementAccountId, assumeOrgRole, managementAccountRegion: region || DEFAULT_ORG_REGION, ttlMs, accountListFile };
}

/**
 * Reads aws_iid's plugin_data, collecting every problem with SPIRE's wording. Like SPIRE it takes
 * the keys from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` when unset (one half alone is an
 * error), and reads `verify_organization.account_list_file` so that a missing or malformed file
 * is reported at configuration; it touches nothing else. Never throws.
 */
export function parseAwsIidConfig(raw: PluginData, _core: CoreConfig, env: NodeJS.ProcessEnv = process.env): ParseResult<AwsIidConfig> {
  const r = new ConfigReader(raw);
  const accessKeyId = r.string('access_key_id') || env.AWS_ACCESS_KEY_ID || '';
  const secretAccessKey = r.string('secret_access_key') || env.AWS_SECRET_ACCESS_KEY || '';
  if (accessKeyId !== '' && secretAccessKey === '') r.problem('configuration missing secret access key, but has access key id');
  if (accessKeyId === '' && secretAccessKey !== '') r.problem('configuration missing access key id, but has secret access key');

  const templateText = r.string('agent_path_template') ?? '';
  let pathTemplate = PathTemplate.parse(DEFAULT_AGENT_PATH_TEMPLATE);
  if (templateText !== '') {
    try {
      pathTemplate = PathTemplate.parse(templateText);
    } catch (e) {
      r.problem(`failed to parse agent svid template: ${JSON.stringify(templateText)}: ${(e as Error).message}`);
    }
  }

  const partition = r.string('partition') || 'aws';
  if (!(PARTITIONS as readonly string[]).includes(partition)) r.problem(`invalid partition ${JSON.stringify(partition)}, must be one of: [${PARTITIONS.join(' ')}]`);

  const org = r.block(ORG);
  const eks = r.block('validate_eks_cluster_membership');
  const config: AwsIidConfig = {
    accessKeyId,
    secretAccessKey,
    skipBlockDevice: r.bool('skip_block_device') ?? false,
    disableInstanceProfileSelectors: r.bool('disable_instance_profile_selectors') ?? false,
    localValidAccountIds: new Set(r.strings('account_ids_for_local_validation') ?? []),
    pathTemplate,
    templateUsesTags: templateText.includes('.Tags'),
    assumeRole: r.string('assume_role') ?? '',
    partition,
    ...(org ? { verifyOrganization: readOrgBlock(r, org) } : {}),
    ...(eks ? { eksClusterNames: eks.strings('eks_cluster_names') ?? [] } : {}),
  };
  return r.result(config);
}
