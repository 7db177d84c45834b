import { KeyEntries, DisposalQueue, SerialQueue, KEY_TYPES, readOrCreateServerId, systemClock, type KeyManager, type KeyType, type Logger, type PublicKey, type SignerOpts, type TaskClock } from '@spire-ts/core/plugin';
import { VaultSession, type VaultSessionDeps } from '@spire-ts/plugin-vault';
import type { HashicorpVaultConfig } from './config.js';
import { HashicorpVaultErrors as E } from './errors.js';
import { keyEntryOf, newKeyName, TRANSIT_TYPE, type KeyEntry } from './key-entry.js';
import { transitSignRequest } from './sign-request.js';
import { TransitClient } from './transit-client.js';

/** What the plugin needs besides its configuration. */
export interface HashicorpVaultKeyManagerDeps extends Omit<VaultSessionDeps, 'log'> {
  log: Logger;
  /** The time source of the delete queue's waits (default: the wall clock). */
  clock?: TaskClock;
}

interface Configured {
  session: VaultSession;
  transit: TransitClient;
  serverId: string;
}

/**
 * KeyManager "hashicorp_vault": each key is a Transit key named `<server ID>-<UUID>-<key ID>`,
 * created non-exportable, so the private key never leaves Vault; signing sends the digest to
 * `transit/sign` (prehashed, ASN.1). At configuration the plugin logs in and loads this server's
 * keys (when two share a key ID, a restart cut a rotation short: the older is deleted). A replaced
 * key is deleted in the background (deletion allowed, then DELETE), retried with waits of
 * 2 s … 60 s. The login is shared, renewed, and made again when renewal stops.
 *
 * Concurrency: signData calls run at once; generateKey and configure are serialised. `close`
 * stops the background work and the renewal; safe to call twice.
 */
export class HashicorpVaultKeyManager implements KeyManager {
  private entries = new KeyEntries<KeyEntry>();
  private state: Configured | undefined;
  private readonly writeLock = new SerialQueue();
  private tasks: AbortController | undefined;
  /** Transit keys waiting to be deleted; kept across configure, as SPIRE's channel. */
  readonly deleteQueue: DisposalQueue;

  constructor(private readonly deps: HashicorpVaultKeyManagerDeps) {
    this.deleteQueue = new DisposalQueue({ log: deps.log, field: 'key_name', fullMessage: 'Failed to enqueue key for deletion', requeueFailedMessage: 'Failed to re-enqueue key for deletion' });
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.writeLock.run(fn);
  }

  /**
   * Applies a configuration: resolves the server ID, logs in, lists the engine's keys and keeps
   * this server's. All or nothing: on failure the previous configuration stays in force. Throws
   * SpireErrors with SPIRE's codes and messages.
   */
  async configure(config: HashicorpVaultConfig): Promise<void> {
    const log = this.deps.log;
    const serverId = config.keyIdentifierValue || (await readOrCreateServerId(config.keyIdentifierFile, E.serverId));
    log.debug({ server_id: serverId }, 'Loaded server id');
    if (config.insecureSkipVerify) log.warn('TLS verification of Vault certificates is skipped. This is only recommended for test environments.');
    const { log: _log, clock: _clock, ...sessionDeps } = this.deps;
    const session = new VaultSession(config, { ...sessionDeps, log });
    const transit = new TransitClient(session, config.transitEnginePath);
    try {
      await session.ensureLogin();
      log.debug('Fetching keys from Vault');
      const found = await this.loadKeys(transit, serverId);
      await this.locked(async () => {
        this.entries = new KeyEntries(found);
        this.state?.session.close();
        this.state = { session, transit, serverId };
        this.startTasks();
      });
    } catch (e) {
      session.close();
      throw e;
    }
  }

  private async loadKeys(transit: TransitClient, serverId: string): Promise<Map<string, KeyEntry>> {
    const log = this.deps.log;
    const kept = new Map<string, KeyEntry>();
    for (const name of await transit.listKeys()) {
      const e = keyEntryOf(await transit.getKey(name), serverId);
      if (!e) continue;
      const other = kept.get(e.publicKey.id);
      if (other) {
        const [older, newer] = other.createdAt < e.createdAt ? [other, e] : [e, other];
        log.warn({ key_name: older.keyName }, 'Stale key found on startup, scheduling for deletion');
        this.deleteQueue.push(older.keyName);
        kept.set(e.publicKey.id, newer);
        continue;
      }
      kept.set(e.publicKey.id, e);
    }
    for (const [id, e] of kept) log.debug({ key_id: id, key_type: e.publicKey.type }, 'Key loaded');
    return kept;
  }

  private startTasks(): void {
    this.tasks?.abort();
    const ac = new AbortController();
    this.tasks = ac;
    void this.deleteQueue.run(
      async (name, log) => {
        const s = this.state;
        if (!s) return 'retry';
        try {
          await s.transit.deleteKey(name);
          log.debug('Key deleted');
          return 'done';
        } catch (e) {
          if (ac.signal.aborted) return 'retry';
          log.error({ reason: (e as Error).message }, 'It was not possible to schedule key for deletion. Trying to re-enqueue it for deletion');
          return 'retry';
        }
      },
      this.deps.clock ?? systemClock,
      ac.signal,
    );
  }

  private configured(): Configured {
    if (!this.state) throw E.notConfigured();
    return this.state;
  }

  async generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (!keyId) throw E.keyIdRequired();
    if (!keyType) throw E.keyTypeRequired();
    if (!KEY_TYPES.includes(keyType)) throw E.unknownKeyType(String(keyType));
    return this.locked(async () => {
      const s = this.configured();
      const name = newKeyName(s.serverId, keyId);
      await s.transit.createKey(name, TRANSIT_TYPE[keyType]);
      const entry = keyEntryOf(await s.transit.getKey(name), s.serverId);
      if (!entry) throw E.createdKeyMismatch(name);
      const old = this.entries.get(keyId);
      this.entries.set(keyId, entry);
      if (old) this.deleteQueue.push(old.keyName);
      return entry.publicKey;
    });
  }

  async getPublicKey(keyId: string): Promise<PublicKey> {
    return this.entries.publicKey(keyId);
  }

  async getPublicKeys(): Promise<PublicKey[]> {
    return this.entries.publicKeys();
  }

  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    const entry = this.entries.forSigning(keyId, opts);
    let req;
    try {
      req = transitSignRequest(entry.publicKey.type, opts);
    } catch (e) {
      throw E.badSignerOpts((e as Error).message);
    }
    const signature = await this.configured().transit.sign(entry.keyName, data, req);
    return { signature, keyFingerprint: entry.publicKey.fingerprint };
  }

  /** Stops the delete queue and the token renewal. Safe to call twice. */
  async close(): Promise<void> {
    this.tasks?.abort();
    this.tasks = undefined;
    this.state?.session.close();
    this.state = undefined;
  }
}
