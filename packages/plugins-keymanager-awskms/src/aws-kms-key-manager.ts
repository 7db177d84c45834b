import { readFile } from 'node:fs/promises';
import { CreateAliasCommand, CreateKeyCommand, GetPublicKeyCommand, ScheduleKeyDeletionCommand, SignCommand, UpdateAliasCommand, type Tag } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { KeyEntries, SerialQueue, type KeyManager, type KeyType, type Logger, type PublicKey, type SignerOpts } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';
import { makeAwsKmsClients, type AwsKmsClients } from './clients.js';
import type { AwsKmsConfig } from './config.js';
import { DeleteQueue } from './delete-queue.js';
import { AwsKmsErrors } from './errors.js';
import { keySpecOf, makeEntry, type KeyEntry } from './key-entry.js';
import { fetchViaAliases, fetchWithMigration } from './key-fetcher.js';
import { defaultKeyPolicy, roleNameFromArn } from './key-policy.js';
import * as upkeep from './maintenance.js';
import { KeyNaming, TAG } from './naming.js';
import { kmsSignRequest } from './signing-algorithm.js';
import { systemClock, type TaskClock, readOrCreateServerId } from '@spire-ts/core/plugin';

/** What the plugin needs besides its configuration. */
export interface AwsKmsKeyManagerDeps {
  log: Logger;
  /** The trust domain name (`example.org`). */
  trustDomain: string;
  /** The time source of tags and background tasks (default: the wall clock). */
  clock?: TaskClock;
  /** Builds the AWS clients of a configuration (default: the SDK clients, see clients.ts). */
  makeClients?: (c: AwsKmsConfig) => AwsKmsClients;
}

/** One configuration in force: its clients and names. */
interface Configured {
  clients: AwsKmsClients;
  naming: KeyNaming;
  tagMode: boolean;
  /** Operator tags (and in tag mode the discovery tags) put on every new key. */
  keyTags: Tag[];
  /** The policy from key_policy_file; undefined means SPIRE's default policy. */
  policyFromFile: string | undefined;
  /** Calls in flight with these clients; the clients are destroyed once retired and idle. */
  users: number;
  retired: boolean;
}

/**
 * KeyManager "aws_kms": each key is an asymmetric KMS key that never leaves KMS; only digests are
 * sent for signing. Keys are named by aliases `alias/SPIRE_SERVER/<td_s>/<server id>/<key id>`
 * (and, in tag mode, by discovery tags), so a restarted server finds them again. Replaced keys are
 * scheduled for deletion with a 7-day window; background tasks keep this server's aliases/tags
 * fresh and dispose of keys other servers of the trust domain abandoned.
 *
 * Concurrency: any number of signData calls run at once (no lock); generateKey and configure are
 * serialised with each other. Call {@link configure} before anything else; `close` stops the tasks
 * and is safe to call twice.
 */
export class AwsKmsKeyManager implements KeyManager {
  private entries = new KeyEntries<KeyEntry>();
  private state: Configured | undefined;
  private readonly writeLock = new SerialQueue();
  private tasks: AbortController | undefined;
  private stopTickers: (() => void)[] = [];
  /** Sign calls in flight, by key ARN (a replaced key is queued for deletion once they finish). */
  private readonly signing = new Map<string, Set<Promise<unknown>>>();
  /** A default policy STS gave; kept until the next configure. */
  private cachedPolicy: string | undefined;
  /** Keys waiting for ScheduleKeyDeletion; kept across configure, as SPIRE's channel. */
  readonly deleteQueue: DeleteQueue;
  private readonly clock: TaskClock;

  constructor(private readonly deps: AwsKmsKeyManagerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.deleteQueue = new DeleteQueue(deps.log);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.writeLock.run(fn);
  }

  /**
   * Applies a configuration: resolves the server ID, finds this server's keys in KMS, then swaps
   * the cache and restarts the background tasks. All or nothing: on failure the previous
   * configuration (if any) stays in force. Throws SpireErrors with SPIRE's codes and messages.
   */
  async configure(config: AwsKmsConfig): Promise<void> {
    let policyFromFile: string | undefined;
    if (config.keyPolicyFile !== '') {
      try {
        policyFromFile = await readFile(config.keyPolicyFile, 'utf8');
      } catch (e) {
        throw AwsKmsErrors.readPolicyFile(e);
      }
    }
    const serverId = config.keyIdentifierValue || (await readOrCreateServerId(config.keyIdentifierFile, AwsKmsErrors));
    const log = this.deps.log;
    log.debug({ server_id: serverId }, 'Loaded server id');
    const clients = (this.deps.makeClients ?? makeAwsKmsClients)(config);
    const naming = new KeyNaming(this.deps.trustDomain, serverId);
    const tagMode = config.enableTagBasedKeyDiscovery;
    let found: KeyEntry[];
    try {
      const fetchDeps = { kms: clients.kms, tagging: clients.tagging, naming, log };
      if (tagMode) {
        log.info('Tag-based key discovery enabled');
        found = await fetchWithMigration(fetchDeps, this.unixNow());
      } else {
        log.warn(
          'Alias-based key discovery will be deprecated in a future version of SPIRE; set enable_tag_based_key_discovery ' +
            'to find this server\u2019s keys through their tags instead',
        );
        found = await fetchViaAliases(fetchDeps);
      }
    } catch (e) {
      clients.destroy();
      throw e;
    }
    const userTags = config.keyTags.map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    const next: Configured = {
      clients,
      naming,
      tagMode,
      keyTags: tagMode ? [...naming.serverTags(), ...userTags] : userTags,
      policyFromFile,
      users: 0,
      retired: false,
    };
    await this.locked(async () => {
      this.entries = new KeyEntries(found.map((e) => [e.publicKey.id, e]));
      for (const e of found) log.debug({ key_arn: e.arn, alias_name: e.aliasName }, 'Key loaded');
      const previous = this.state;
      this.state = next;
      this.cachedPolicy = undefined;
      this.startTasks();
      if (previous) this.retire(previous);
    });
  }

  private unixNow(): string {
    return String(Math.floor(this.clock.now().getTime() / 1000));
  }

  private retire(s: Configured): void {
    s.retired = true;
    if (s.users === 0) s.clients.destroy();
  }

  private use<T>(fn: (s: Configured) => Promise<T>): Promise<T> {
    const s = this.state;
    if (!s) return Promise.reject(new Error('aws_kms is not configured'));
    s.users++;
    return fn(s).finally(() => {
      s.users--;
      if (s.retired && s.users === 0) s.clients.destroy();
    });
  }

  private startTasks(): void {
    this.stopTasks();
    const ac = new AbortController();
    this.tasks = ac;
    void this.deleteQueue.run(
      async (arn) => {
        await this.use((s) => s.clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }), { abortSignal: ac.signal }));
      },
      this.clock,
      ac.signal,
    );
    const every = (name: string, period: number, task: (d: upkeep.MaintenanceDeps) => Promise<string | undefined>) => {
      this.stopTickers.push(
        this.clock.every(period, async () => {
          if (ac.signal.aborted) return;
          const err = await this.use((s) => task(this.maintenanceDeps(s))).catch((e: unknown) => awsErrorText(e));
          if (err) this.deps.log.debug({ task: name, reason: err }, 'Background task finished with errors');
        }),
      );
    };
    // Always refreshed, so a server moved back to alias mode still finds fresh aliases.
    every('refreshAliases', upkeep.PERIODS.refreshAliases, upkeep.refreshAliases);
    if (this.state?.tagMode) {
      every('keepActiveKeys', upkeep.PERIODS.keepActiveKeys, upkeep.keepActiveKeys);
      every('disposeKeysViaTags', upkeep.PERIODS.disposeKeysViaTags, upkeep.disposeKeysViaTags);
    } else {
      every('disposeAliases', upkeep.PERIODS.disposeAliases, upkeep.disposeAliases);
      every('disposeKeys', upkeep.PERIODS.disposeKeys, upkeep.disposeKeys);
    }
  }

  private stopTasks(): void {
    this.tasks?.abort();
    this.tasks = undefined;
    for (const stop of this.stopTickers) stop();
    this.stopTickers = [];
  }

  private maintenanceDeps(s: Configured): upkeep.MaintenanceDeps {
    return {
      kms: s.clients.kms,
      tagging: s.clients.tagging,
      naming: s.naming,
      log: this.deps.log,
      now: () => this.clock.now(),
      entries: () => [...this.entries.values()],
      enqueueDelete: (arn) => {
        if (this.deleteQueue.push(arn)) this.deps.log.debug({ key_arn: arn }, 'Key enqueued for deletion');
      },
    };
  }

  /** SPIRE's default policy (STS caller must be an assumed role), else undefined: KMS's default. */
  private async policyFor(s: Configured): Promise<string | undefined> {
    if (s.policyFromFile !== undefined) return s.policyFromFile;
    if (this.cachedPolicy !== undefined) return this.cachedPolicy;
    let who;
    try {
      who = await s.clients.sts.send(new GetCallerIdentityCommand({}));
    } catch (e) {
      throw AwsKmsErrors.policy(e);
    }
    const { role, reason } = roleNameFromArn(who.Arn ?? '');
    if (!role) {
      this.deps.log.warn(
        { reason },
        'In a future version of SPIRE, it will be mandatory for the SPIRE servers to assume an AWS IAM Role when using the default AWS KMS key policy. Please assign an IAM role to this SPIRE Server instance.',
      );
      return undefined;
    }
    this.cachedPolicy = defaultKeyPolicy(who.Account ?? '', role);
    return this.cachedPolicy;
  }

  async generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (!keyId) throw AwsKmsErrors.keyIdRequired();
    if (!keyType) throw AwsKmsErrors.keyTypeRequired();
    const spec = keySpecOf(keyType);
    if (!spec) throw AwsKmsErrors.unsupportedKeyType(keyType);
    return this.locked(() => this.use((s) => this.createAndName(s, keyId, keyType, spec)));
  }

  /** Under the write lock: creates the key, points the alias at it, then updates the cache. */
  private async createAndName(s: Configured, keyId: string, keyType: KeyType, spec: string): Promise<PublicKey> {
    const kms = s.clients.kms;
    const policy = await this.policyFor(s);
    let tags: Tag[] = s.keyTags;
    if (s.tagMode) {
      tags = [...s.keyTags, { TagKey: TAG.keyId, TagValue: keyId }, { TagKey: TAG.lastUpdate, TagValue: this.unixNow() }];
    }
    let arn: string | undefined;
    try {
      const out = await kms.send(
        new CreateKeyCommand({
          Description: s.naming.description(keyId),
          KeyUsage: 'SIGN_VERIFY',
          KeySpec: spec as 'RSA_2048',
          ...(policy !== undefined ? { Policy: policy } : {}),
          ...(tags.length > 0 ? { Tags: tags } : {}),
        }),
      );
      arn = out.KeyMetadata?.Arn;
    } catch (e) {
      throw AwsKmsErrors.createKey(e);
    }
    if (!arn) throw AwsKmsErrors.malformedCreateKey();
    this.deps.log.debug({ key_arn: arn }, 'Key created');
    let pkix: Uint8Array | undefined;
    try {
      pkix = (await kms.send(new GetPublicKeyCommand({ KeyId: arn }))).PublicKey;
    } catch (e) {
      throw AwsKmsErrors.getPublicKey(e);
    }
    if (!pkix || pkix.length === 0) throw AwsKmsErrors.malformedPublicKey();
    const entry = makeEntry(arn, s.naming.alias(keyId), keyId, keyType, pkix);
    const old = this.entries.get(keyId);
    if (!old) {
      try {
        await kms.send(new CreateAliasCommand({ AliasName: entry.aliasName, TargetKeyId: arn }));
      } catch (e) {
        throw AwsKmsErrors.createAlias(e);
      }
      this.deps.log.debug({ alias_name: entry.aliasName, key_arn: arn }, 'Alias created');
    } else {
      try {
        await kms.send(new UpdateAliasCommand({ AliasName: entry.aliasName, TargetKeyId: arn }));
      } catch (e) {
        throw AwsKmsErrors.updateAlias(e);
      }
      this.deps.log.debug({ alias_name: entry.aliasName, key_arn: arn }, 'Alias updated');
    }
    this.entries.set(keyId, entry);
    if (old) {
      // Signatures already on their way with the old key finish before it is scheduled for deletion.
      await Promise.allSettled([...(this.signing.get(old.arn) ?? [])]);
      if (this.deleteQueue.push(old.arn)) this.deps.log.debug({ key_arn: old.arn }, 'Key enqueued for deletion');
    }
    return entry.publicKey;
  }

  async getPublicKey(keyId: string): Promise<PublicKey> {
    return this.entries.publicKey(keyId);
  }

  async getPublicKeys(): Promise<PublicKey[]> {
    return this.entries.publicKeys();
  }

  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    const entry = this.entries.forSigning(keyId, opts);
    const req = kmsSignRequest(entry.publicKey.type, data, opts);
    const call = this.use((s) =>
      s.clients.kms.send(new SignCommand({ KeyId: entry.arn, Message: req.digest, MessageType: 'DIGEST', SigningAlgorithm: req.algorithm as 'ECDSA_SHA_256' })),
    );
    let inflight = this.signing.get(entry.arn);
    if (!inflight) this.signing.set(entry.arn, (inflight = new Set()));
    inflight.add(call);
    try {
      const out = await call;
      if (!out.Signature) throw new Error('empty signature in Sign response');
      return { signature: out.Signature, keyFingerprint: entry.publicKey.fingerprint };
    } catch (e) {
      throw AwsKmsErrors.signFailed(e);
    } finally {
      inflight.delete(call);
      if (inflight.size === 0) this.signing.delete(entry.arn);
    }
  }

  /** Stops the background tasks and releases the clients. Safe to call twice. */
  async close(): Promise<void> {
    this.stopTasks();
    const s = this.state;
    this.state = undefined;
    if (s && !s.retired) this.retire(s);
  }
}
