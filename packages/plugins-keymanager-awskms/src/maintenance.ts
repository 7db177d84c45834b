/**
 * The background upkeep of aws_kms, one function per SPIRE task. Each returns the errors it met
 * joined by `: ` (or undefined); each logs as it goes and never throws.
 */
import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  paginateListAliases,
  paginateListKeys,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Logger } from '@spire-ts/core/plugin';
import { awsErrorCode, awsErrorText } from '@spire-ts/plugin-aws';
import type { KeyEntry } from './key-entry.js';
import { TAG, type KeyNaming } from './naming.js';

/** Periods and thresholds, as SPIRE's. */
export const HOUR_MS = 3_600_000;
export const PERIODS = {
  refreshAliases: 6 * HOUR_MS,
  disposeAliases: 24 * HOUR_MS,
  disposeKeys: 48 * HOUR_MS,
  keepActiveKeys: 6 * HOUR_MS,
  disposeKeysViaTags: 48 * HOUR_MS,
} as const;
/** An alias (or tagged key) of another server not refreshed for this long is abandoned. */
export const STALE_MS = 14 * 24 * HOUR_MS;
/** A SPIRE key without any alias this old is an orphan of a failed rotation. */
export const ORPHAN_MS = 48 * HOUR_MS;

/** What the tasks work with. */
export interface MaintenanceDeps {
  kms: KMSClient;
  tagging: ResourceGroupsTaggingAPIClient | undefined;
  naming: KeyNaming;
  log: Logger;
  now(): Date;
  /** This server's cached keys, at the time of the call. */
  entries(): KeyEntry[];
  /** Queues a key for ScheduleKeyDeletion. */
  enqueueDelete(arn: string): void;
}

function joined(errs: string[]): string | undefined {
  return errs.length > 0 ? errs.join(': ') : undefined;
}

/**
 * Bumps each cached alias's LastUpdatedDate by pointing it at the key it already names, so peers
 * see it in use. An alias that now names another key (a peer sharing this server ID rotated it)
 * is left alone, so the rotation is not undone (SPIRE #6805).
 */
export async function refreshAliases(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Refreshing aliases');
  const errs: string[] = [];
  for (const entry of d.entries()) {
    let current: string | undefined;
    try {
      current = (await d.kms.send(new DescribeKeyCommand({ KeyId: entry.aliasName }))).KeyMetadata?.Arn;
    } catch (e) {
      d.log.error({ alias_name: entry.aliasName, reason: awsErrorText(e) }, 'Failed to describe key for alias refresh');
      errs.push(awsErrorText(e));
      continue;
    }
    if (!current) {
      d.log.error({ alias_name: entry.aliasName }, 'Malformed describe key response during alias refresh');
      errs.push(`malformed describe key response for alias ${JSON.stringify(entry.aliasName)}`);
      continue;
    }
    if (current !== entry.arn) {
      d.log.warn(
        { alias_name: entry.aliasName, cached_arn: entry.arn, current_arn: current },
        'Alias target differs from cache, skipping refresh to avoid reverting a rotation',
      );
      continue;
    }
    try {
      await d.kms.send(new UpdateAliasCommand({ AliasName: entry.aliasName, TargetKeyId: entry.arn }));
    } catch (e) {
      d.log.error({ alias_name: entry.aliasName, key_arn: entry.arn, reason: awsErrorText(e) }, 'Failed to refresh alias');
      errs.push(awsErrorText(e));
    }
  }
  return joined(errs);
}

/**
 * Alias mode: deletes the aliases of other servers of this trust domain not refreshed for 14 days
 * and queues their (still enabled) keys for deletion.
 */
export async function disposeAliases(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Looking for aliases in trust domain to dispose');
  const errs: string[] = [];
  try {
    for await (const page of paginateListAliases({ client: d.kms }, { Limit: 100 })) {
      for (const alias of page.Aliases ?? []) {
        const name = alias.AliasName;
        if (!name || !alias.LastUpdatedDate || !alias.AliasArn) continue;
        if (!name.startsWith(d.naming.trustDomainAliasPrefix) || name.startsWith(d.naming.serverAliasPrefix)) continue;
        if (d.now().getTime() - alias.LastUpdatedDate.getTime() < STALE_MS) continue;
        const log = d.log.child({ alias_name: name });
        log.debug('Found alias in trust domain beyond threshold');
        let meta;
        try {
          meta = (await d.kms.send(new DescribeKeyCommand({ KeyId: alias.AliasArn }))).KeyMetadata;
        } catch (e) {
          log.error({ reason: `AWS API DescribeKey failed: ${awsErrorText(e)}` }, 'Failed to clean up old KMS keys.');
          errs.push(awsErrorText(e));
          continue;
        }
        if (!meta?.Arn) {
          log.error({ reason: 'Missing data in AWS API DescribeKey response' }, 'Failed to clean up old KMS keys');
          continue;
        }
        if (!meta.Enabled) continue;
        try {
          await d.kms.send(new DeleteAliasCommand({ AliasName: name }));
        } catch (e) {
          log.error({ key_arn: meta.Arn, reason: `AWS API DeleteAlias failed: ${awsErrorText(e)}` }, 'Failed to clean up old KMS keys.');
          errs.push(awsErrorText(e));
          continue;
        }
        d.enqueueDelete(meta.Arn);
      }
    }
  } catch (e) {
    d.log.error({ reason: awsErrorText(e) }, 'Failed to fetch aliases to dispose');
    return awsErrorText(e);
  }
  return joined(errs);
}

/**
 * Alias mode: queues for deletion the enabled keys of this trust domain (by description) that no
 * alias names and that are older than 48 hours: orphans of a rotation that failed halfway.
 */
export async function disposeKeys(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Looking for keys in trust domain to dispose');
  const errs: string[] = [];
  try {
    for await (const page of paginateListKeys({ client: d.kms }, { Limit: 1000 })) {
      for (const key of page.Keys ?? []) {
        if (!key.KeyArn) continue;
        const log = d.log.child({ key_arn: key.KeyArn });
        let meta;
        try {
          meta = (await d.kms.send(new DescribeKeyCommand({ KeyId: key.KeyArn }))).KeyMetadata;
        } catch (e) {
          log.error({ reason: awsErrorText(e) }, 'Failed to describe key to dispose');
          errs.push(awsErrorText(e));
          continue;
        }
        if (!meta || meta.Description === undefined || !meta.CreationDate || !meta.Arn) {
          log.error('Malformed describe key response while trying to dispose');
          continue;
        }
        if (!meta.Enabled || !meta.Description.startsWith(d.naming.descriptionPrefix)) continue;
        let aliased: boolean;
        try {
          const out = await d.kms.send(new ListAliasesCommand({ KeyId: key.KeyArn, Limit: 1 }));
          aliased = (out.Aliases?.length ?? 0) > 0;
        } catch (e) {
          log.error({ reason: awsErrorText(e) }, 'Failed to fetch alias for key');
          errs.push(awsErrorText(e));
          continue;
        }
        if (aliased || d.now().getTime() - meta.CreationDate.getTime() < ORPHAN_MS) continue;
        log.debug('Found key in trust domain beyond threshold');
        d.enqueueDelete(meta.Arn);
      }
    }
  } catch (e) {
    d.log.error({ reason: awsErrorText(e) }, 'Failed to fetch keys to dispose');
    return awsErrorText(e);
  }
  return joined(errs);
}

/** Tag mode: stamps `spire-last-update=<now>` on every cached key, so peers see it in use. */
export async function keepActiveKeys(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Updating last-update tag on managed keys');
  const now = String(Math.floor(d.now().getTime() / 1000));
  const errs: string[] = [];
  for (const entry of d.entries()) {
    try {
      await d.kms.send(new TagResourceCommand({ KeyId: entry.arn, Tags: [{ TagKey: TAG.lastUpdate, TagValue: now }] }));
    } catch (e) {
      d.log.error({ key_arn: entry.arn, reason: awsErrorText(e) }, 'Failed to update last-update tag');
      errs.push(awsErrorText(e));
    }
  }
  return joined(errs);
}

/** The `spire-last-update` reading of a key's tags. */
function lastUpdateOf(tags: { Key?: string; Value?: string }[]): { seconds: number; malformedOnly: boolean } {
  let seconds = 0;
  let valid = false;
  let malformed = false;
  for (const t of tags) {
    if (t.Key !== TAG.lastUpdate || t.Value === undefined) continue;
    if (/^[+-]?\d+$/.test(t.Value) && Number.isSafeInteger(Number(t.Value))) {
      seconds = Number(t.Value);
      valid = true;
    } else malformed = true;
  }
  return { seconds, malformedOnly: malformed && !valid };
}

/**
 * Tag mode: schedules deletion (7 days) of the active keys of other servers of this trust domain
 * whose `spire-last-update` is 14 days old or more (a key without the tag counts as stale; one
 * whose only value is malformed is skipped), then marks them `spire-active=false`. A key already
 * pending deletion still gets marked.
 */
export async function disposeKeysViaTags(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Looking for stale keys to dispose using tag-based discovery');
  if (!d.tagging) return 'tag mode without a tagging client';
  const staleBefore = Math.floor((d.now().getTime() - STALE_MS) / 1000);
  const filters = [
    { Key: TAG.trustDomain, Values: [d.naming.trustDomain] },
    { Key: TAG.active, Values: ['true'] },
  ];
  const errs: string[] = [];
  try {
    for await (const page of paginateGetResources({ client: d.tagging }, { ResourceTypeFilters: ['kms:key'], TagFilters: filters })) {
      for (const r of page.ResourceTagMappingList ?? []) {
        if (!r.ResourceARN) continue;
        const arn = r.ResourceARN;
        const tags = r.Tags ?? [];
        const last = lastUpdateOf(tags);
        if (last.malformedOnly) {
          d.log.warn({ key_arn: arn }, 'Malformed spire-last-update tag value, skipping key');
          continue;
        }
        if (tags.some((t) => t.Key === TAG.serverId && t.Value === d.naming.serverId)) continue;
        if (last.seconds > staleBefore) continue;
        const log = d.log.child({ key_arn: arn });
        log.debug('Found stale key beyond threshold');
        try {
          await d.kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
        } catch (e) {
          if (awsErrorCode(e) !== 'KMSInvalidStateException') {
            log.error({ reason: awsErrorText(e) }, 'Failed to schedule key for deletion');
            errs.push(awsErrorText(e));
            continue;
          }
        }
        try {
          await d.kms.send(new TagResourceCommand({ KeyId: arn, Tags: [{ TagKey: TAG.active, TagValue: 'false' }] }));
        } catch (e) {
          log.error({ reason: awsErrorText(e) }, 'Failed to mark key as inactive');
          errs.push(awsErrorText(e));
        }
      }
    }
  } catch (e) {
    if (awsErrorCode(e) === 'AccessDeniedException') {
      d.log.error({ reason: awsErrorText(e) }, 'Failed to fetch keys for disposal: the "tag:GetResources" permission is required');
    } else d.log.error({ reason: awsErrorText(e) }, 'Failed to fetch keys for disposal');
    return awsErrorText(e);
  }
  return joined(errs);
}
