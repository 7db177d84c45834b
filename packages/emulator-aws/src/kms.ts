/**
 * KMS (JSON 1.1, `X-Amz-Target: TrentService.<Op>`): asymmetric signing keys that really sign,
 * aliases, tags and scheduled deletion, with the error types the AWS SDK knows. The private keys
 * stay in the emulator; tests read and change the state through the public methods below.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { EmulatorEnv } from './env.js';
import { generateKmsKeyPair, isKmsKeySpec, signKmsDigest, SIGNING_ALGORITHMS, type KmsKeySpec } from './kms-crypto.js';
import { AwsError, epochSeconds, type RequestContext, type ServiceModule } from './protocol.js';

/** A key's state, as KMS names it. */
export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One KMS key. */
export interface KmsKey {
  keyId: string;
  arn: string;
  keySpec: KmsKeySpec;
  description: string;
  /** The key policy given to CreateKey, verbatim; undefined when KMS's default policy applies. */
  policy: string | undefined;
  creationDate: Date;
  keyState: KmsKeyState;
  /** When a scheduled deletion happens (PendingDeletion only). */
  deletionDate: Date | undefined;
  /** The pending window asked for by ScheduleKeyDeletion. */
  pendingWindowInDays: number | undefined;
  tags: Map<string, string>;
  /** DER SubjectPublicKeyInfo. */
  publicKey: Buffer;
  readonly privateKey: KeyObject;
}

/** One alias. */
export interface KmsAlias {
  aliasName: string;
  aliasArn: string;
  /** The key ID (not the ARN) the alias points at. */
  targetKeyId: string;
  creationDate: Date;
  lastUpdatedDate: Date;
}

const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/** Reads a `Limit`/`Marker` page out of a list. */
function page<T>(items: T[], limit: unknown, marker: unknown, def: number, max: number): { items: T[]; next?: string } {
  if (limit !== undefined && (typeof limit !== 'number' || limit < 1 || limit > max)) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  let start = 0;
  if (marker !== undefined) {
    start = Number.parseInt(String(marker), 10);
    if (!Number.isInteger(start) || start < 0 || String(start) !== String(marker)) throw new AwsError('InvalidMarkerException', 'Invalid marker');
  }
  const n = (limit as number | undefined) ?? def;
  const out = items.slice(start, start + n);
  return start + n < items.length ? { items: out, next: String(start + n) } : { items: out };
}

/** KMS state: keys and aliases, in creation order. */
export class KmsService {
  /** Every key, by key ID. */
  readonly keys = new Map<string, KmsKey>();
  /** Every alias, by name. */
  readonly aliasMap = new Map<string, KmsAlias>();

  constructor(readonly env: EmulatorEnv) {}

  /** Every key, in creation order. */
  keyList(): KmsKey[] {
    return [...this.keys.values()];
  }

  /** Every alias, in creation order. */
  aliases(): KmsAlias[] {
    return [...this.aliasMap.values()];
  }

  /** The key a key ID, key ARN, alias name or alias ARN names; undefined when none. */
  findKey(id: string): KmsKey | undefined {
    try {
      return this.resolve(id);
    } catch {
      return undefined;
    }
  }

  /** The tags of a key, as a plain object. Throws when there is no such key. */
  tagsOf(id: string): Record<string, string> {
    return Object.fromEntries(this.mustFind(id).tags);
  }

  /** Disables a key (as the console's "Disable key"): it no longer signs nor counts as Enabled. */
  disableKey(id: string): void {
    const k = this.mustFind(id);
    if (k.keyState === 'PendingDeletion') throw new Error(`key ${k.keyId} is pending deletion`);
    k.keyState = 'Disabled';
  }

  /** Enables a disabled key again. */
  enableKey(id: string): void {
    const k = this.mustFind(id);
    if (k.keyState === 'PendingDeletion') throw new Error(`key ${k.keyId} is pending deletion`);
    k.keyState = 'Enabled';
  }

  /** Sets an alias's LastUpdatedDate (to age an alias in a test). */
  setAliasUpdated(aliasName: string, date: Date): void {
    const a = this.aliasMap.get(aliasName);
    if (!a) throw new Error(`no alias ${aliasName}`);
    a.lastUpdatedDate = date;
  }

  /** Sets a key's CreationDate (to age a key in a test). */
  setKeyCreated(id: string, date: Date): void {
    this.mustFind(id).creationDate = date;
  }

  /** The key an alias points at, undefined when there is no such alias. */
  aliasTarget(aliasName: string): KmsKey | undefined {
    const a = this.aliasMap.get(aliasName);
    return a ? this.keys.get(a.targetKeyId) : undefined;
  }

  private mustFind(id: string): KmsKey {
    const k = this.findKey(id);
    if (!k) throw new Error(`no KMS key ${id}`);
    return k;
  }

  private keyArn(region: string, keyId: string): string {
    return `arn:aws:kms:${region}:${this.env.accountId}:key/${keyId}`;
  }

  private aliasArn(region: string, name: string): string {
    return `arn:aws:kms:${region}:${this.env.accountId}:${name}`;
  }

  /** Resolves a KeyId parameter; throws NotFoundException / InvalidArnException as KMS. */
  private resolve(id: unknown): KmsKey {
    if (typeof id !== 'string' || id === '') throw new AwsError('ValidationException', 'KeyId is required');
    let aliasName: string | undefined;
    if (id.startsWith('alias/')) aliasName = id;
    else if (id.startsWith('arn:')) {
      const k = KEY_ARN.exec(id);
      if (k) {
        const key = this.keys.get(k[3]!);
        if (!key || key.arn !== id) throw new AwsError('NotFoundException', `Key '${id}' does not exist`);
        return key;
      }
      const a = ALIAS_ARN.exec(id);
      if (!a) throw new AwsError('InvalidArnException', `ARN ${id} is not a valid KMS key or alias ARN`);
      aliasName = a[3]!;
    } else {
      const key = this.keys.get(id);
      if (!key) throw new AwsError('NotFoundException', `Key '${this.keyArn(this.env.region, id)}' does not exist`);
      return key;
    }
    const alias = this.aliasMap.get(aliasName);
    if (!alias) throw new AwsError('NotFoundException', `Alias ${this.aliasArn(this.env.region, aliasName)} is not found.`);
    return this.keys.get(alias.targetKeyId)!;
  }

  private usable(key: KmsKey): void {
    if (key.keyState === 'Disabled') throw new AwsError('DisabledException', `${key.arn} is disabled.`);
    if (key.keyState === 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }

  private metadata(k: KmsKey) {
    return {
      AWSAccountId: this.env.accountId,
      KeyId: k.keyId,
      Arn: k.arn,
      CreationDate: epochSeconds(k.creationDate),
      Enabled: k.keyState === 'Enabled',
      Description: k.description,
      KeyUsage: 'SIGN_VERIFY',
      KeyState: k.keyState,
      ...(k.deletionDate ? { DeletionDate: epochSeconds(k.deletionDate) } : {}),
      ...(k.pendingWindowInDays ? { PendingDeletionWindowInDays: k.pendingWindowInDays } : {}),
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: k.keySpec,
      CustomerMasterKeySpec: k.keySpec,
      SigningAlgorithms: SIGNING_ALGORITHMS[k.keySpec],
      MultiRegion: false,
    };
  }

  private readTags(tags: unknown): [string, string][] {
    if (tags === undefined) return [];
    if (!Array.isArray(tags)) throw new AwsError('ValidationException', 'Tags must be a list');
    return tags.map((t: { TagKey?: unknown; TagValue?: unknown }) => {
      if (typeof t?.TagKey !== 'string' || t.TagKey === '' || typeof t.TagValue !== 'string') {
        throw new AwsError('ValidationException', 'each tag needs a TagKey and a TagValue');
      }
      if (t.TagKey.toLowerCase().startsWith('aws:')) throw new AwsError('TagException', `Tag key ${t.TagKey} uses the reserved aws: prefix`);
      return [t.TagKey, t.TagValue];
    });
  }

  private async createKey(input: Record<string, unknown>, ctx: RequestContext) {
    const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    if (input.KeyUsage !== 'SIGN_VERIFY' || !isKmsKeySpec(spec)) {
      throw new AwsError('UnsupportedOperationException', `the emulator creates only SIGN_VERIFY keys of RSA_2048, RSA_4096, ECC_NIST_P256 or ECC_NIST_P384; got ${String(input.KeyUsage)} ${String(spec)}`);
    }
    let policy: string | undefined;
    if (input.Policy !== undefined) {
      if (typeof input.Policy !== 'string') throw new AwsError('ValidationException', 'Policy must be a string');
      try {
        JSON.parse(input.Policy);
      } catch {
        throw new AwsError('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.');
      }
      policy = input.Policy;
    }
    const tags = this.readTags(input.Tags);
    const pair = await generateKmsKeyPair(spec);
    const keyId = randomUUID();
    const key: KmsKey = {
      keyId,
      arn: this.keyArn(ctx.region || this.env.region, keyId),
      keySpec: spec,
      description: typeof input.Description === 'string' ? input.Description : '',
      policy,
      creationDate: this.env.now(),
      keyState: 'Enabled',
      deletionDate: undefined,
      pendingWindowInDays: undefined,
      tags: new Map(tags),
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }),
      privateKey: pair.privateKey,
    };
    this.keys.set(keyId, key);
    return { KeyMetadata: this.metadata(key) };
  }

  private getPublicKey(input: { KeyId?: unknown }) {
    const k = this.resolve(input.KeyId);
    this.usable(k);
    return {
      KeyId: k.arn,
      PublicKey: k.publicKey.toString('base64'),
      KeySpec: k.keySpec,
      CustomerMasterKeySpec: k.keySpec,
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: SIGNING_ALGORITHMS[k.keySpec],
    };
  }

  private sign(input: { KeyId?: unknown; Message?: unknown; MessageType?: unknown; SigningAlgorithm?: unknown }) {
    const k = this.resolve(input.KeyId);
    this.usable(k);
    if (typeof input.Message !== 'string' || input.Message === '') throw new AwsError('ValidationException', 'Message is required');
    if (input.MessageType !== 'DIGEST') {
      throw new AwsError('UnsupportedOperationException', `the emulator signs only MessageType DIGEST; got ${String(input.MessageType)}`);
    }
    const digest = Buffer.from(input.Message, 'base64');
    const sig = signKmsDigest(k.privateKey, k.keySpec, String(input.SigningAlgorithm), digest);
    return { KeyId: k.arn, Signature: Buffer.from(sig).toString('base64'), SigningAlgorithm: input.SigningAlgorithm };
  }

  private checkAliasName(name: unknown): string {
    if (typeof name !== 'string' || !ALIAS_NAME.test(name) || name.length > 256) {
      throw new AwsError('ValidationException', `Alias name ${String(name)} must begin with 'alias/' and contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-).`);
    }
    if (name.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', 'alias/aws/ is reserved for AWS managed keys.');
    return name;
  }

  private createAlias(input: { AliasName?: unknown; TargetKeyId?: unknown }, ctx: RequestContext) {
    const name = this.checkAliasName(input.AliasName);
    const target = this.resolveTarget(input.TargetKeyId);
    if (this.aliasMap.has(name)) throw new AwsError('AlreadyExistsException', `An alias with the name ${this.aliasArn(ctx.region || this.env.region, name)} already exists`);
    const now = this.env.now();
    this.aliasMap.set(name, {
      aliasName: name,
      aliasArn: this.aliasArn(ctx.region || this.env.region, name),
      targetKeyId: target.keyId,
      creationDate: now,
      lastUpdatedDate: now,
    });
    return {};
  }

  /** A TargetKeyId must name a key by ID or ARN, never an alias. */
  private resolveTarget(id: unknown): KmsKey {
    if (typeof id === 'string' && (id.startsWith('alias/') || ALIAS_ARN.test(id))) {
      throw new AwsError('ValidationException', 'TargetKeyId must be a key ID or key ARN, not an alias');
    }
    const k = this.resolve(id);
    if (k.keyState === 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
    return k;
  }

  private updateAlias(input: { AliasName?: unknown; TargetKeyId?: unknown }) {
    const name = this.checkAliasName(input.AliasName);
    const alias = this.aliasMap.get(name);
    if (!alias) throw new AwsError('NotFoundException', `Alias ${this.aliasArn(this.env.region, name)} is not found.`);
    const target = this.resolveTarget(input.TargetKeyId);
    // Every emulated key is an asymmetric SIGN_VERIFY key, so any of them may take over an alias
    // (KMS asks only for the same key type class and usage).
    alias.targetKeyId = target.keyId;
    alias.lastUpdatedDate = this.env.now();
    return {};
  }

  private deleteAlias(input: { AliasName?: unknown }) {
    const name = this.checkAliasName(input.AliasName);
    if (!this.aliasMap.delete(name)) throw new AwsError('NotFoundException', `Alias ${this.aliasArn(this.env.region, name)} is not found.`);
    return {};
  }

  private listAliases(input: { KeyId?: unknown; Limit?: unknown; Marker?: unknown }) {
    let list = this.aliases();
    if (input.KeyId !== undefined) {
      const k = this.resolve(input.KeyId);
      list = list.filter((a) => a.targetKeyId === k.keyId);
    }
    const p = page(list, input.Limit, input.Marker, 50, 100);
    return {
      Aliases: p.items.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: a.aliasArn,
        TargetKeyId: a.targetKeyId,
        CreationDate: epochSeconds(a.creationDate),
        LastUpdatedDate: epochSeconds(a.lastUpdatedDate),
      })),
      Truncated: p.next !== undefined,
      ...(p.next !== undefined ? { NextMarker: p.next } : {}),
    };
  }

  private listKeys(input: { Limit?: unknown; Marker?: unknown }) {
    const p = page(this.keyList(), input.Limit, input.Marker, 100, 1000);
    return {
      Keys: p.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
      Truncated: p.next !== undefined,
      ...(p.next !== undefined ? { NextMarker: p.next } : {}),
    };
  }

  private scheduleKeyDeletion(input: { KeyId?: unknown; PendingWindowInDays?: unknown }) {
    const k = this.resolve(input.KeyId);
    const days = input.PendingWindowInDays ?? 30;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${String(days)}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30`);
    }
    if (k.keyState === 'PendingDeletion') throw new AwsError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
    k.keyState = 'PendingDeletion';
    k.pendingWindowInDays = days;
    k.deletionDate = new Date(this.env.now().getTime() + days * 86_400_000);
    return { KeyId: k.arn, DeletionDate: epochSeconds(k.deletionDate), KeyState: 'PendingDeletion', PendingWindowInDays: days };
  }

  private tagResource(input: { KeyId?: unknown; Tags?: unknown }) {
    const k = this.resolve(input.KeyId);
    const tags = this.readTags(input.Tags);
    if (tags.length === 0) throw new AwsError('ValidationException', 'Tags must not be empty');
    const merged = new Map([...k.tags, ...tags]);
    if (merged.size > 50) throw new AwsError('LimitExceededException', 'a key may have at most 50 tags');
    for (const [key, value] of tags) k.tags.set(key, value);
    return {};
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'kms',
      jsonTarget: 'TrentService',
      json: {
        CreateKey: (i, ctx) => this.createKey(i, ctx),
        DescribeKey: (i: { KeyId?: unknown }) => ({ KeyMetadata: this.metadata(this.resolve(i.KeyId)) }),
        GetPublicKey: (i) => this.getPublicKey(i),
        Sign: (i) => this.sign(i),
        CreateAlias: (i, ctx) => this.createAlias(i, ctx),
        UpdateAlias: (i) => this.updateAlias(i),
        DeleteAlias: (i) => this.deleteAlias(i),
        ListAliases: (i) => this.listAliases(i),
        ListKeys: (i) => this.listKeys(i),
        ScheduleKeyDeletion: (i) => this.scheduleKeyDeletion(i),
        TagResource: (i) => this.tagResource(i),
        ListResourceTags: (i: { KeyId?: unknown }) => ({
          Tags: [...this.resolve(i.KeyId).tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
          Truncated: false,
        }),
      },
    };
  }
}
