import type { TokenCredential } from '@azure/identity';
import { KeyEntries, KEY_TYPES, SerialQueue, type KeyManager, type KeyType, type Logger, type PublicKey, type SignerOpts, readOrCreateServerId } from '@spire-ts/core/plugin';
import type { AzureKeyVaultConfig } from './config.js';
import { azureCredential } from '@spire-ts/plugin-azure';
import { DeleteQueue } from './delete-queue.js';
import { AzureKeyVaultErrors } from './errors.js';
import { describeJwk, keyTypeOfJwk, makeEntry, type KeyEntry } from './key-entry.js';
import { fetchKeyEntries } from './key-fetcher.js';
import * as upkeep from './maintenance.js';
import { newKeyName, serverTags } from './naming.js';
import { vaultSignatureToDer, vaultSignRequest } from './signing.js';
import { systemClock, type TaskClock } from '@spire-ts/core/plugin';
import { makeVaultClient, type VaultClient } from './vault-client.js';

/** The default bound of one Key Vault call. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** What the plugin needs besides its configuration. */
export interface AzureKeyVaultKeyManagerDeps {
  log: Logger;
  /** The trust domain name (`example.org`). */
  trustDomain: string;
  /** The time source of the background tasks (default: the wall clock). */
  clock?: TaskClock;
  /** The bound of each Key Vault call (default {@link DEFAULT_CALL_TIMEOUT_MS}). */
  callTimeoutMs?: number;
  /** Builds the credential of a configuration (default: see credential.ts). */
  makeCredential?: (c: AzureKeyVaultConfig) => TokenCredential;
  /** Builds the vault client (default: the SDK clients, see vault-client.ts). */
  makeVault?: (vaultUri: string, credential: TokenCredential, timeoutMs: number) => VaultClient;
}

/** One configuration in force. */
interface Configured {
  vault: VaultClient;
  serverId: string;
  tags: Record<string, string>;
}

/**
 * KeyManager "azure_key_vault": each key is a Key Vault key named
 * `spire-key-<uuid>-<key id>` and tagged with the trust domain and this server's ID, so that a
 * restarted server finds its keys again; the private key never leaves the vault, only digests
 * are sent for signing. A replaced key is deleted; background tasks refresh this server's keys
 * every 6 hours (so they never look stale) and, every 48 hours, delete the keys of other servers
 * of the trust domain not updated for two weeks.
 *
 * Concurrency: signData calls run at once; generateKey and configure are serialised. Call
 * {@link configure} first; `close` stops the tasks and is safe to call twice.
 */
export class AzureKeyVaultKeyManager implements KeyManager {
  private entries = new KeyEntries<KeyEntry>();
  private state: Configured | undefined;
  private readonly writeLock = new SerialQueue();
  private tasks: AbortController | undefined;
  private stopTickers: (() => void)[] = [];
  /** Sign calls in flight, by key name (a replaced key is deleted once they finish). */
  private readonly signing = new Map<string, Set<Promise<unknown>>>();
  /** Keys waiting for DeleteKey; kept across configure, as SPIRE's channel. */
  readonly deleteQueue: DeleteQueue;
  private readonly clock: TaskClock;

  constructor(private readonly deps: AzureKeyVaultKeyManagerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.deleteQueue = new DeleteQueue(deps.log);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.writeLock.run(fn);
  }

  /**
   * Applies a configuration: resolves the server ID, builds the credential and client, finds
   * this server's keys in the vault, then swaps the cache and restarts the background tasks.
   * All or nothing: on failure the previous configuration stays in force. Throws SpireErrors
   * with SPIRE's codes and messages.
   */
  async configure(config: AzureKeyVaultConfig): Promise<void> {
    const serverId = config.keyIdentifierValue || (await readOrCreateServerId(config.keyIdentifierFile, AzureKeyVaultErrors));
    const log = this.deps.log;
    log.debug({ server_id: serverId }, 'Loaded server id');
    let credential: TokenCredential;
    try {
      credential = (this.deps.makeCredential ?? ((c) => azureCredential(c.clientSecret ? { tenantId: c.clientSecret.tenantId, clientId: c.clientSecret.appId, clientSecret: c.clientSecret.appSecret } : { tenantId: '' })))(config);
    } catch (e) {
      throw config.clientSecret ? AzureKeyVaultErrors.credential(e) : AzureKeyVaultErrors.defaultCredential(e);
    }
    const vault = (this.deps.makeVault ?? makeVaultClient)(config.keyVaultUri, credential, this.deps.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
    log.debug({ key_vault_uri: config.keyVaultUri }, 'Fetching keys from Azure Key Vault');
    const found = await fetchKeyEntries({ vault, log, trustDomain: this.deps.trustDomain, serverId });
    await this.locked(async () => {
      this.entries = new KeyEntries(found.map((e) => [e.publicKey.id, e]));
      for (const e of found) log.debug({ key_id: e.kid, key_name: e.keyName }, 'Key loaded');
      this.state = { vault, serverId, tags: serverTags(this.deps.trustDomain, serverId) };
      this.startTasks();
    });
  }

  private startTasks(): void {
    this.stopTasks();
    const ac = new AbortController();
    this.tasks = ac;
    void this.deleteQueue.run((name) => this.state!.vault.deleteKey(name), this.clock, ac.signal);
    const every = (name: string, period: number, task: (d: upkeep.MaintenanceDeps) => Promise<string | undefined>) => {
      this.stopTickers.push(
        this.clock.every(period, async () => {
          const s = this.state;
          if (ac.signal.aborted || !s) return;
          const err = await task(this.maintenanceDeps(s));
          if (err) this.deps.log.debug({ task: name, reason: err }, 'Background task finished with errors');
        }),
      );
    };
    every('refreshKeys', upkeep.PERIODS.refreshKeys, upkeep.refreshKeys);
    every('disposeKeys', upkeep.PERIODS.disposeKeys, upkeep.disposeKeys);
  }

  private stopTasks(): void {
    this.tasks?.abort();
    this.tasks = undefined;
    for (const stop of this.stopTickers) stop();
    this.stopTickers = [];
  }

  private maintenanceDeps(s: Configured): upkeep.MaintenanceDeps {
    return {
      vault: s.vault,
      log: this.deps.log,
      trustDomain: this.deps.trustDomain,
      serverId: s.serverId,
      now: () => this.clock.now(),
      entries: () => [...this.entries.values()],
      enqueueDelete: (name) => void this.deleteQueue.push(name),
    };
  }

  private configured(): Configured {
    if (!this.state) throw new Error('azure_key_vault is not configured');
    return this.state;
  }

  async generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (!keyId) throw AzureKeyVaultErrors.keyIdRequired();
    if (!keyType) throw AzureKeyVaultErrors.keyTypeRequired();
    if (!KEY_TYPES.includes(keyType)) throw AzureKeyVaultErrors.unsupportedKeyType(keyType);
    return this.locked(() => this.createKey(this.configured(), keyId, keyType));
  }

  /** Under the write lock: creates the key, updates the cache, then queues the replaced key. */
  private async createKey(s: Configured, keyId: string, keyType: KeyType): Promise<PublicKey> {
    let created;
    try {
      created = await s.vault.createKey(newKeyName(keyId), keyType, s.tags);
    } catch (e) {
      throw AzureKeyVaultErrors.createKey(e);
    }
    this.deps.log.debug({ key_id: created.kid, algorithm: created.jwk.kty }, 'Key created');
    if (keyTypeOfJwk(created.jwk) !== keyType) throw AzureKeyVaultErrors.unsupportedKeySpec(describeJwk(created.jwk));
    const entry = makeEntry(keyId, keyType, created.kid, created.name, created.version, created.jwk);
    const old = this.entries.get(keyId);
    this.entries.set(keyId, entry);
    if (old) {
      // Signatures already on their way with the old key finish before it is deleted.
      await Promise.allSettled([...(this.signing.get(old.keyName) ?? [])]);
      this.deleteQueue.push(old.keyName);
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
    const req = vaultSignRequest(entry.publicKey.type, data, opts);
    const call = this.configured().vault.sign(entry.kid, req.algorithm, req.digest);
    let inflight = this.signing.get(entry.keyName);
    if (!inflight) this.signing.set(entry.keyName, (inflight = new Set()));
    inflight.add(call);
    let raw: Uint8Array;
    try {
      raw = await call;
    } catch (e) {
      throw AzureKeyVaultErrors.sign(e);
    } finally {
      inflight.delete(call);
      if (inflight.size === 0) this.signing.delete(entry.keyName);
    }
    return { signature: vaultSignatureToDer(raw, entry.publicKey.type), keyFingerprint: entry.publicKey.fingerprint };
  }

  /** Stops the background tasks. Safe to call twice. */
  async close(): Promise<void> {
    this.stopTasks();
    this.state = undefined;
  }
}
