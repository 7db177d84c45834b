import { readFile } from 'node:fs/promises';
import { KeyEntries, SerialQueue, type KeyManager, type KeyType, type Logger, type PublicKey, type SignerOpts } from '@spire-ts/core/plugin';
import { crc32c } from '@spire-ts/plugin-gcp';
import type { GcpKmsConfig } from './config.js';
import { DestroyQueue } from './destroy-queue.js';
import { GcpKmsErrors as E } from './errors.js';
import { fetchKeyEntries, type KeyEntry } from './key-fetcher.js';
import { sdkKmsApi, type IamPolicy, type KmsApi } from './kms-api.js';
import { ALGORITHM_OF, KeyNaming, LABEL } from './naming.js';
import { fetchPublicKeyDer, makePublicKey } from './public-key.js';
import { signDigestFor } from './sign-request.js';
import { systemClock, type TaskClock, readOrCreateServerId } from '@spire-ts/core/plugin';

/** SPIRE's periods of the background tasks and how long a key may go unrefreshed. */
export const PERIODS = { keepActive: 6 * 3600_000, dispose: 48 * 3600_000, maxStale: 14 * 24 * 3600_000 } as const;
/** Default bound on each Cloud KMS call. */
export const KMS_TIMEOUT_MS = 30_000;

/** What the plugin needs besides its configuration. */
export interface GcpKmsKeyManagerDeps {
  log: Logger;
  /** The trust domain name (`example.org`). */
  trustDomain: string;
  /** The time source of labels and background tasks (default: the wall clock). */
  clock?: TaskClock;
  /** Builds the KMS client of a configuration (default: @google-cloud/kms). */
  makeKms?: (c: GcpKmsConfig) => KmsApi;
  /** Bound on each Cloud KMS call (default {@link KMS_TIMEOUT_MS}). */
  timeoutMs?: number;
}

interface Configured {
  config: GcpKmsConfig;
  kms: KmsApi;
  naming: KeyNaming;
  policyFromFile: IamPolicy | undefined;
}

/**
 * KeyManager "gcp_kms": each SPIRE key is a Cloud KMS crypto key `spire-key-<server id>-<key id>`
 * in the configured key ring, labelled with the trust domain hash, the server ID, `spire-active`
 * and `spire-last-update`; a key's current version signs digests (AsymmetricSign) and never leaves
 * KMS. Re-generating a key adds a version and queues the previous one for destruction. Background
 * tasks refresh `spire-last-update` every 6 hours and, every 48 hours, destroy the versions of keys
 * other servers of the trust domain left unrefreshed for two weeks (marking keys without enabled
 * versions inactive).
 *
 * Concurrency: any number of signData calls run at once; generateKey and configure are
 * serialised. `close` stops the tasks and is safe to call twice.
 */
export class GcpKmsKeyManager implements KeyManager {
  private entries = new KeyEntries<KeyEntry>();
  private state: Configured | undefined;
  private readonly writeLock = new SerialQueue();
  private tasks: AbortController | undefined;
  private stopTickers: (() => void)[] = [];
  /** Sign calls in flight, by version name (a replaced version is queued for destruction once they finish). */
  private readonly signing = new Map<string, Set<Promise<unknown>>>();
  /** Versions waiting for destruction; kept across configure, as SPIRE's channel. */
  readonly destroyQueue: DestroyQueue;
  private readonly clock: TaskClock;

  constructor(private readonly deps: GcpKmsKeyManagerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.destroyQueue = new DestroyQueue(deps.log);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.writeLock.run(fn);
  }

  private current(): Configured {
    if (!this.state) throw new Error('gcp_kms is not configured');
    return this.state;
  }

  /**
   * Applies a configuration: the key policy file, the server ID, then this server's keys found in
   * the key ring; then swaps the cache and restarts the background tasks. On failure the previous
   * configuration stays in force. Throws SpireErrors with SPIRE's codes and messages.
   */
  async configure(config: GcpKmsConfig): Promise<void> {
    let policyFromFile: IamPolicy | undefined;
    if (config.keyPolicyFile !== '') {
      try {
        policyFromFile = JSON.parse(await readFile(config.keyPolicyFile, 'utf8')) as IamPolicy;
      } catch (e) {
        throw E.readPolicyFile(e);
      }
    }
    const serverId = config.keyIdentifierValue || (await readOrCreateServerId(config.keyIdentifierFile, E));
    const log = this.deps.log;
    log.debug({ server_id: serverId }, 'Loaded server id');
    const kms = (this.deps.makeKms ?? ((c) => sdkKmsApi({ serviceAccountFile: c.serviceAccountFile, timeoutMs: this.deps.timeoutMs ?? KMS_TIMEOUT_MS })))(config);
    const naming = new KeyNaming(this.deps.trustDomain, serverId);
    let found: KeyEntry[];
    try {
      log.debug({ key_ring: config.keyRing }, 'Fetching keys from Cloud KMS');
      found = await fetchKeyEntries(kms, config.keyRing, naming, log);
    } catch (e) {
      await kms.close();
      throw e;
    }
    await this.locked(async () => {
      this.entries = new KeyEntries(found.map((e) => [e.publicKey.id, e]));
      const previous = this.state;
      this.state = { config, kms, naming, policyFromFile };
      this.startTasks();
      await previous?.kms.close();
    });
  }

  private unixNow(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  private startTasks(): void {
    this.stopTasks();
    const ac = new AbortController();
    this.tasks = ac;
    void this.destroyQueue.run(() => this.current().kms, this.clock, ac.signal);
    const every = (name: string, period: number, task: () => Promise<void>) =>
      this.stopTickers.push(
        this.clock.every(period, async () => {
          if (ac.signal.aborted) return;
          await task().catch((e: unknown) => this.deps.log.error({ task: name, reason: (e as Error).message }, 'Background task failed'));
        }),
      );
    every('keepActiveCryptoKeys', PERIODS.keepActive, () => this.keepActive());
    every('disposeCryptoKeys', PERIODS.dispose, () => this.dispose());
  }

  private stopTasks(): void {
    this.tasks?.abort();
    this.tasks = undefined;
    for (const stop of this.stopTickers) stop();
    this.stopTickers = [];
  }

  /** Refreshes `spire-last-update` on every key of this server. Throws the joined failures. */
  async keepActive(): Promise<void> {
    const { kms } = this.current();
    this.deps.log.debug('Keeping CryptoKeys managed by this server active');
    const errs: string[] = [];
    for (const e of this.entries.values()) {
      e.cryptoKey.labels[LABEL.lastUpdate] = String(this.unixNow());
      try {
        await kms.updateLabels(e.cryptoKey.name, e.cryptoKey.labels);
      } catch (err) {
        this.deps.log.error({ crypto_key_name: e.cryptoKey.name, reason: (err as Error).message }, 'Failed to update CryptoKey');
        errs.push((err as Error).message);
      }
    }
    if (errs.length > 0) throw new Error(errs.join('; '));
  }

  /** Queues for destruction the versions of other servers' stale keys; marks keys without enabled versions inactive. */
  async dispose(): Promise<void> {
    const { kms, naming, config } = this.current();
    this.deps.log.debug('Looking for CryptoKeys to dispose');
    const staleBefore = Math.floor((this.clock.now().getTime() - PERIODS.maxStale) / 1000);
    for (const key of await kms.listCryptoKeys(config.keyRing, naming.staleKeysFilter(staleBefore))) {
      const versions = await kms.listVersions(key.name, 'state = ENABLED');
      if (versions.length === 0) {
        try {
          await kms.updateLabels(key.name, { ...key.labels, [LABEL.active]: 'false' });
          this.deps.log.debug({ crypto_key_name: key.name }, 'CryptoKey updated as inactive');
        } catch (e) {
          this.deps.log.error({ crypto_key_name: key.name, reason: (e as Error).message }, 'Could not update CryptoKey as inactive');
        }
        continue;
      }
      for (const v of versions) this.enqueueDestruction(v.name);
    }
  }

  private enqueueDestruction(version: string): void {
    if (this.destroyQueue.push(version)) this.deps.log.debug({ crypto_key_version_name: version }, 'CryptoKeyVersion enqueued for destruction');
    else this.deps.log.error({ crypto_key_version_name: version }, 'Failed to enqueue CryptoKeyVersion for destruction');
  }

  async generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (!keyId) throw E.keyIdRequired();
    if (!keyType) throw E.keyTypeRequired();
    const algorithm = ALGORITHM_OF[keyType];
    if (!algorithm) throw E.unsupportedKeyType(keyType);
    return this.locked(async () => {
      try {
        return await this.createKey(this.current(), keyId, keyType, algorithm);
      } catch (e) {
        throw E.generateKey(e);
      }
    });
  }

  private async createKey(s: Configured, keyId: string, keyType: KeyType, algorithm: string): Promise<PublicKey> {
    const old = this.entries.get(keyId);
    let cryptoKey;
    let versionName: string;
    if (old) {
      cryptoKey = old.cryptoKey;
      if (cryptoKey.algorithm !== algorithm) {
        await s.kms.updateAlgorithm(cryptoKey.name, algorithm);
        cryptoKey.algorithm = algorithm;
      }
      versionName = (await s.kms.createVersion(cryptoKey.name)).name;
    } else {
      // Beyond SPIRE: spire-last-update from the start, so a server that dies before its first
      // refresh still has its keys disposed of.
      const labels = { ...s.naming.labels(), [LABEL.lastUpdate]: String(this.unixNow()) };
      cryptoKey = await s.kms.createCryptoKey(s.config.keyRing, s.naming.cryptoKeyId(keyId), labels, algorithm);
      this.deps.log.debug({ crypto_key_name: cryptoKey.name, algorithm }, 'CryptoKey created');
      await this.setIamPolicy(s, cryptoKey.name);
      versionName = `${cryptoKey.name}/cryptoKeyVersions/1`;
    }
    const publicKey = makePublicKey(keyId, keyType, await fetchPublicKeyDer(s.kms, versionName));
    this.entries.set(keyId, { cryptoKey, versionName, publicKey });
    if (old) {
      // Signatures already on their way with the old version finish before it is destroyed.
      await Promise.allSettled([...(this.signing.get(old.versionName) ?? [])]);
      this.enqueueDestruction(old.versionName);
    }
    return publicKey;
  }

  /** SPIRE's IAM step: leave a key that has bindings; else the policy file's, else signerVerifier for this identity. */
  private async setIamPolicy(s: Configured, name: string): Promise<void> {
    const policy = await s.kms.getIamPolicy(name);
    if ((policy.bindings ?? []).length > 0) {
      this.deps.log.warn({ crypto_key_name: name }, 'The CryptoKey already has a policy. No policy will be set.');
      return;
    }
    if (s.policyFromFile) {
      await s.kms.setIamPolicy(name, s.policyFromFile);
      return;
    }
    const email = await s.kms.serviceAccountEmail();
    if (!email) throw new Error('could not get email of authenticated service account; email is empty');
    await s.kms.setIamPolicy(name, { ...policy, bindings: [{ role: 'roles/cloudkms.signerVerifier', members: [`serviceAccount:${email}`] }] });
  }

  async getPublicKey(keyId: string): Promise<PublicKey> {
    return this.entries.publicKey(keyId);
  }

  async getPublicKeys(): Promise<PublicKey[]> {
    return this.entries.publicKeys();
  }

  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    const entry = this.entries.forSigning(keyId, opts);
    const { field, digest } = signDigestFor(entry.publicKey.type, data, opts);
    const call = this.current().kms.asymmetricSign(entry.versionName, field, digest);
    let inflight = this.signing.get(entry.versionName);
    if (!inflight) this.signing.set(entry.versionName, (inflight = new Set()));
    inflight.add(call);
    let out;
    try {
      out = await call;
    } catch (e) {
      throw E.sign(e);
    } finally {
      inflight.delete(call);
      if (inflight.size === 0) this.signing.delete(entry.versionName);
    }
    if (crc32c(out.signature) !== out.signatureCrc32c) throw E.signCorrupted();
    return { signature: out.signature, keyFingerprint: entry.publicKey.fingerprint };
  }

  /** Stops the background tasks and closes the client. Safe to call twice. */
  async close(): Promise<void> {
    this.stopTasks();
    const s = this.state;
    this.state = undefined;
    await s?.kms.close();
  }
}
