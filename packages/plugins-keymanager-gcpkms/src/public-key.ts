import { createHash, createPublicKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyType, PublicKey } from '@spire-ts/core/plugin';
import { crc32c } from '@spire-ts/plugin-gcp';
import type { KmsApi } from './kms-api.js';

const MAX_ATTEMPTS = 10;

/**
 * The DER public key of a crypto key version, as SPIRE reads it: while the version is still
 * being generated (or enabled but not yet answering) GetPublicKey is retried up to ten times with
 * a short backoff; a PEM whose CRC32C does not match is refused. Throws what KMS threw otherwise.
 */
export async function fetchPublicKeyDer(kms: KmsApi, versionName: string): Promise<Uint8Array> {
  let backoff = 10;
  for (let attempt = 1; ; attempt++) {
    let pk;
    try {
      pk = await kms.getPublicKey(versionName);
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS) throw e;
      const v = await kms.getVersion(versionName);
      if (v.state !== 'PENDING_GENERATION' && v.state !== 'ENABLED') throw e;
      backoff = Math.min(backoff * 2, 1000);
      await sleep(backoff);
      continue;
    }
    if (crc32c(pk.pem) !== pk.pemCrc32c) throw new Error('response corrupted in-transit');
    return new Uint8Array(createPublicKey(pk.pem).export({ type: 'spki', format: 'der' }));
  }
}

/** The PublicKey record of a key: its DER and SHA-256 fingerprint (hex), as SPIRE makes them. */
export function makePublicKey(id: string, type: KeyType, pkixData: Uint8Array): PublicKey {
  return { id, type, pkixData, fingerprint: createHash('sha256').update(pkixData).digest('hex') };
}
