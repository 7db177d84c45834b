import { Code, errorCode } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import type { JWTKey } from '../../plugins/types.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';

type StoredJWTKey = Bundle['jwtSigningKeys'][number];

/** What the publisher works with: the optional UpstreamAuthority and the manager's bundle append. */
export interface JWTKeyPublisherDeps {
  upstreamAuthority?: UpstreamAuthority;
  log: Logger;
  /**
   * Appends JWT keys to the local bundle and returns the stored bundle; the CA manager's append,
   * which tells Notifiers and BundlePublishers of a change.
   */
  appendJWTKeys(keys: StoredJWTKey[]): Promise<Bundle>;
}

/** A JWT key as the bundle stores it. */
export const toStored = (k: JWTKey): StoredJWTKey => ({ pkixBytes: k.publicKey, kid: k.keyId, notAfter: k.expiresAt, taintedKey: k.tainted });
const toPlugin = (k: StoredJWTKey): JWTKey => ({ publicKey: k.pkixBytes, keyId: k.kid, expiresAt: k.notAfter, tainted: k.taintedKey });

/**
 * Publishes JWT keys as SPIRE's CA manager does, both the server's own keys and those downstream
 * servers send through PublishJWTAuthority. With an UpstreamAuthority that supports
 * PublishJWTKey, the key goes upstream and the keys it answers are appended to the bundle;
 * otherwise (no UpstreamAuthority, or one answering UNIMPLEMENTED, warned about once) the key
 * itself is appended. Either way the result is the bundle's JWT keys after the append.
 */
export class JWTKeyPublisher {
  private warnedUnimplemented = false;

  constructor(private readonly d: JWTKeyPublisherDeps) {}

  /** Publishes `key`; throws what the UpstreamAuthority (other than UNIMPLEMENTED) or the DataStore throws. */
  async publish(key: JWTKey): Promise<JWTKey[]> {
    const upstreamKeys = await this.publishUpstream(key);
    const bundle = await this.d.appendJWTKeys((upstreamKeys ?? [key]).map(toStored));
    return bundle.jwtSigningKeys.map(toPlugin);
  }

  /** The keys the UpstreamAuthority answers, or undefined when it has none to give. */
  private async publishUpstream(key: JWTKey): Promise<JWTKey[] | undefined> {
    const ua = this.d.upstreamAuthority;
    if (!ua) return undefined;
    const ac = new AbortController();
    try {
      const first = await ua.publishJWTKeyAndSubscribe(key, ac.signal)[Symbol.asyncIterator]().next();
      return first.done ? undefined : first.value.upstreamJwtKeys;
    } catch (err) {
      if (errorCode(err) !== Code.UNIMPLEMENTED) throw err;
      if (!this.warnedUnimplemented) {
        this.warnedUnimplemented = true;
        this.d.log.warn(
          'UpstreamAuthority plugin does not support JWT-SVIDs. Workloads managed by this server may have trouble communicating with workloads outside this cluster when using JWT-SVIDs.',
        );
      }
      return undefined;
    } finally {
      ac.abort();
    }
  }
}
