import { createHash } from 'node:crypto';
import type { KeyType } from '@spire-ts/core/plugin';

/** The first part of every crypto key ID SPIRE makes: `spire-key-<server id>-<key id>`. */
export const CRYPTO_KEY_PREFIX = 'spire-key';

/** The labels SPIRE puts on its crypto keys. */
export const LABEL = {
  serverId: 'spire-server-id',
  lastUpdate: 'spire-last-update',
  serverTd: 'spire-server-td',
  active: 'spire-active',
} as const;

/** Cloud KMS algorithms of SPIRE's key types, as SPIRE maps them. */
export const ALGORITHM_OF: Readonly<Record<KeyType, string>> = {
  'ec-p256': 'EC_SIGN_P256_SHA256',
  'ec-p384': 'EC_SIGN_P384_SHA384',
  'rsa-2048': 'RSA_SIGN_PKCS1_2048_SHA256',
  'rsa-4096': 'RSA_SIGN_PKCS1_4096_SHA256',
};

/** The key type of a Cloud KMS algorithm, or undefined for one SPIRE does not make. */
export function keyTypeOfAlgorithm(algorithm: string): KeyType | undefined {
  return (Object.keys(ALGORITHM_OF) as KeyType[]).find((t) => ALGORITHM_OF[t] === algorithm);
}

/**
 * The names of one server's keys: crypto key IDs `spire-key-<server id>-<key id>`, and the label
 * values that find them (the trust domain as the hex SHA-1 of its name, as SPIRE, since label
 * values may not hold dots).
 */
export class KeyNaming {
  readonly tdHash: string;

  constructor(
    trustDomain: string,
    readonly serverId: string,
  ) {
    this.tdHash = createHash('sha1').update(trustDomain).digest('hex');
  }

  cryptoKeyId(spireKeyId: string): string {
    return `${CRYPTO_KEY_PREFIX}-${this.serverId}-${spireKeyId}`;
  }

  /** The SPIRE key ID of one of this server's crypto key names, or undefined. */
  spireKeyId(cryptoKeyName: string): string | undefined {
    const id = cryptoKeyName.slice(cryptoKeyName.lastIndexOf('/') + 1);
    const prefix = `${CRYPTO_KEY_PREFIX}-${this.serverId}-`;
    if (!id.startsWith(prefix) || id.length === prefix.length) return undefined;
    return id.slice(prefix.length);
  }

  /** Labels of a new crypto key. */
  labels(): Record<string, string> {
    return { [LABEL.serverTd]: this.tdHash, [LABEL.serverId]: this.serverId, [LABEL.active]: 'true' };
  }

  /** The list filter of this server's active keys. */
  ownKeysFilter(): string {
    return `labels.${LABEL.serverTd} = ${this.tdHash} AND labels.${LABEL.serverId} = ${this.serverId} AND labels.${LABEL.active} = true`;
  }

  /** The list filter of other servers' active keys of the trust domain not refreshed since `staleBefore` (unix seconds). */
  staleKeysFilter(staleBefore: number): string {
    return `labels.${LABEL.serverTd} = ${this.tdHash} AND labels.${LABEL.serverId} != ${this.serverId} AND labels.${LABEL.active} = true AND labels.${LABEL.lastUpdate} < ${staleBefore}`;
  }
}
