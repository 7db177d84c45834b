import { createHash } from 'node:crypto';
import type { KeyType, PublicKey } from '@spire-ts/core/plugin';

/** One of this server's keys as the plugin caches it. */
export interface KeyEntry {
  /** The KMS key ARN. */
  arn: string;
  aliasName: string;
  publicKey: PublicKey;
}

const SPEC_TO_TYPE: Record<string, KeyType> = {
  RSA_2048: 'rsa-2048',
  RSA_4096: 'rsa-4096',
  ECC_NIST_P256: 'ec-p256',
  ECC_NIST_P384: 'ec-p384',
};

/** The KMS key spec of a key type; undefined for any other type. */
export function keySpecOf(keyType: string): string | undefined {
  return Object.entries(SPEC_TO_TYPE).find(([, t]) => t === keyType)?.[0];
}

/** The key type of a KMS key spec; undefined for a spec SPIRE does not use. */
export function keyTypeOfSpec(spec: string | undefined): KeyType | undefined {
  return spec === undefined ? undefined : SPEC_TO_TYPE[spec];
}

/** A cache entry from what KMS returned. */
export function makeEntry(arn: string, aliasName: string, keyId: string, type: KeyType, pkix: Uint8Array): KeyEntry {
  return {
    arn,
    aliasName,
    publicKey: { id: keyId, type, pkixData: pkix, fingerprint: createHash('sha256').update(pkix).digest('hex') },
  };
}
