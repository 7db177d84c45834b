import type { Logger, PublicKey } from '@spire-ts/core/plugin';
import { GcpKmsErrors as E } from './errors.js';
import type { CryptoKeyView, KmsApi } from './kms-api.js';
import { keyTypeOfAlgorithm, type KeyNaming } from './naming.js';
import { fetchPublicKeyDer, makePublicKey } from './public-key.js';

/** One SPIRE key: its crypto key, the version that signs, and its public key. */
export interface KeyEntry {
  cryptoKey: CryptoKeyView;
  versionName: string;
  publicKey: PublicKey;
}

/**
 * This server's keys in the key ring, as SPIRE finds them after a restart: the active crypto keys
 * labelled with its trust domain hash and server ID, each with its enabled versions (the last one
 * listed wins for a key ID). Throws INTERNAL (SPIRE's messages) or UNAVAILABLE.
 */
export async function fetchKeyEntries(kms: KmsApi, keyRing: string, naming: KeyNaming, log: Logger): Promise<KeyEntry[]> {
  let keys: CryptoKeyView[];
  try {
    keys = await kms.listCryptoKeys(keyRing, naming.ownKeysFilter());
  } catch (e) {
    throw E.listKeys(e);
  }
  const perKey = keys.map(async (cryptoKey) => {
    const spireKeyId = naming.spireKeyId(cryptoKey.name);
    if (!spireKeyId) {
      log.warn({ crypto_key_name: cryptoKey.name }, 'Could not get SPIRE Key ID from CryptoKey');
      return [];
    }
    let versions;
    try {
      versions = await kms.listVersions(cryptoKey.name, 'state = ENABLED');
    } catch (e) {
      throw new Error(`failure listing CryptoKeyVersions: ${(e as Error).message}`, { cause: e });
    }
    const out: KeyEntry[] = [];
    for (const v of versions) {
      const type = keyTypeOfAlgorithm(v.algorithm);
      if (!type) throw new Error(`unsupported CryptoKeyVersionAlgorithm: ${v.algorithm}`);
      let der;
      try {
        der = await fetchPublicKeyDer(kms, v.name);
      } catch (e) {
        throw new Error(`error getting public key: ${(e as Error).message}`, { cause: e });
      }
      out.push({ cryptoKey, versionName: v.name, publicKey: makePublicKey(spireKeyId, type, der) });
      log.debug({ crypto_key_version_name: v.name, algorithm: v.algorithm }, 'Cloud KMS key loaded');
    }
    return out;
  });
  try {
    return (await Promise.all(perKey)).flat();
  } catch (e) {
    throw E.fetchEntries(e);
  }
}
