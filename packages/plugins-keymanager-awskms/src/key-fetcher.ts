/**
 * Finding this server's keys again at configure: through its aliases (alias mode), or through
 * the discovery tags plus the aliases, tagging the alias-found keys that lack tags (tag mode).
 */
import { DescribeKeyCommand, GetPublicKeyCommand, TagResourceCommand, paginateListAliases, type KMSClient } from '@aws-sdk/client-kms';
import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SpireError, type Logger } from '@spire-ts/core/plugin';
import { awsErrorCode, awsErrorText } from '@spire-ts/plugin-aws';
import { AwsKmsErrors } from './errors.js';
import { keyTypeOfSpec, makeEntry, type KeyEntry } from './key-entry.js';
import { TAG, type KeyNaming } from './naming.js';

/** What discovery needs. */
export interface FetchDeps {
  kms: KMSClient;
  tagging?: ResourceGroupsTaggingAPIClient;
  naming: KeyNaming;
  log: Logger;
}

/** A key's details: refuses a disabled key (alias mode) or skips it (tag mode, returns undefined). */
async function details(d: FetchDeps, keyRef: string, aliasName: string, keyId: string, disabled: 'fail' | 'skip'): Promise<KeyEntry | undefined> {
  let meta;
  try {
    meta = (await d.kms.send(new DescribeKeyCommand({ KeyId: keyRef }))).KeyMetadata;
  } catch (e) {
    throw AwsKmsErrors.describeKey(e);
  }
  if (!meta) throw AwsKmsErrors.malformedDescribeKey();
  if (!meta.Arn) throw AwsKmsErrors.malformedDescribeKey();
  if (!meta.Enabled) {
    if (disabled === 'fail') throw AwsKmsErrors.disabledKey(meta.Arn, keyRef);
    d.log.warn({ key_arn: keyRef }, 'Skipping disabled SPIRE key found via tags');
    return undefined;
  }
  const type = keyTypeOfSpec(meta.KeySpec);
  if (!type) throw AwsKmsErrors.unsupportedKeySpec(String(meta.KeySpec));
  let pub;
  try {
    pub = await d.kms.send(new GetPublicKeyCommand({ KeyId: keyRef }));
  } catch (e) {
    throw AwsKmsErrors.getPublicKey(e);
  }
  if (!pub.PublicKey || pub.PublicKey.length === 0) throw AwsKmsErrors.malformedPublicKey();
  return makeEntry(meta.Arn, aliasName, keyId, type, pub.PublicKey);
}

/**
 * This server's keys, found through `alias/SPIRE_SERVER/<td_s>/<server id>/…` aliases. Throws
 * FAILED_PRECONDITION for an alias without a key or a disabled key (tampering shows up), INTERNAL
 * for any other failure, all prefixed `failed to fetch aliases: `.
 */
export async function fetchViaAliases(d: FetchDeps): Promise<KeyEntry[]> {
  const pending: Promise<KeyEntry | undefined>[] = [];
  try {
    for await (const page of paginateListAliases({ client: d.kms }, { Limit: 100 })) {
      for (const alias of page.Aliases ?? []) {
        if (!alias.AliasName) continue;
        const keyId = d.naming.keyIdOfAlias(alias.AliasName);
        if (keyId === undefined) continue;
        if (!alias.AliasArn) throw AwsKmsErrors.aliasWithoutArn(alias.AliasName);
        if (!alias.TargetKeyId) throw AwsKmsErrors.aliasWithoutKey(alias.AliasName, alias.AliasArn);
        pending.push(details(d, alias.AliasArn, alias.AliasName, keyId, 'fail'));
      }
    }
  } catch (e) {
    await Promise.allSettled(pending);
    if (e instanceof SpireError) throw e;
    throw AwsKmsErrors.fetchAliases(e);
  }
  try {
    return (await Promise.all(pending)).filter((x): x is KeyEntry => x !== undefined);
  } catch (e) {
    throw AwsKmsErrors.wrapped('failed to fetch aliases', e);
  }
}

/** True when an error says the caller may not call tag:GetResources. */
function accessDenied(e: unknown): boolean {
  return awsErrorCode(e) === 'AccessDeniedException';
}

/**
 * This server's active keys, found through their discovery tags (trust domain, server ID,
 * `spire-active=true`); keys without a `spire-key-id` tag and disabled keys are skipped with a
 * warning. Throws FAILED_PRECONDITION naming `tag:GetResources` when the caller lacks it.
 */
export async function fetchViaTags(d: FetchDeps): Promise<KeyEntry[]> {
  if (!d.tagging) throw new Error('tag mode without a tagging client');
  const filters = [
    { Key: TAG.trustDomain, Values: [d.naming.trustDomain] },
    { Key: TAG.serverId, Values: [d.naming.serverId] },
    { Key: TAG.active, Values: ['true'] },
  ];
  const pending: Promise<KeyEntry | undefined>[] = [];
  try {
    for await (const page of paginateGetResources({ client: d.tagging }, { ResourceTypeFilters: ['kms:key'], TagFilters: filters })) {
      for (const r of page.ResourceTagMappingList ?? []) {
        if (!r.ResourceARN) continue;
        const keyId = r.Tags?.find((t) => t.Key === TAG.keyId)?.Value;
        if (keyId === undefined) {
          d.log.warn({ key_arn: r.ResourceARN }, 'Could not get SPIRE key ID from tags');
          continue;
        }
        pending.push(details(d, r.ResourceARN, d.naming.alias(keyId), keyId, 'skip'));
      }
    }
  } catch (e) {
    await Promise.allSettled(pending);
    if (accessDenied(e)) throw AwsKmsErrors.tagPermission(e);
    throw AwsKmsErrors.fetchByTags(e);
  }
  try {
    return (await Promise.all(pending)).filter((x): x is KeyEntry => x !== undefined);
  } catch (e) {
    throw AwsKmsErrors.wrapped('failed to fetch key entries', e);
  }
}

/**
 * Tag-mode discovery: the tagged keys, plus the keys only an alias finds (created before tag mode),
 * which get the discovery tags, `spire-key-id` and `spire-last-update=<lastUpdate>`. A tagging
 * failure only warns: the key is still used and tagged on the next start.
 */
export async function fetchWithMigration(d: FetchDeps, lastUpdate: string): Promise<KeyEntry[]> {
  const tagged = await fetchViaTags(d);
  const viaAlias = await fetchViaAliases(d);
  const ids = new Set(tagged.map((e) => e.publicKey.id));
  let migrated = 0;
  for (const entry of viaAlias) {
    if (ids.has(entry.publicKey.id)) continue;
    d.log.info({ key_arn: entry.arn }, 'Applying SPIRE tags to legacy key during migration to tag-based discovery');
    const tags = [...d.naming.serverTags(), { TagKey: TAG.keyId, TagValue: entry.publicKey.id }, { TagKey: TAG.lastUpdate, TagValue: lastUpdate }];
    try {
      await d.kms.send(new TagResourceCommand({ KeyId: entry.arn, Tags: tags }));
    } catch (e) {
      d.log.warn({ key_arn: entry.arn, reason: awsErrorText(e) }, 'Failed to apply SPIRE tags to legacy key during migration; key will still be available');
    }
    migrated++;
    tagged.push(entry);
  }
  if (migrated > 0) d.log.info({ migrated_keys: migrated, total_keys: tagged.length }, 'Tag-based key discovery migration finished');
  return tagged;
}
