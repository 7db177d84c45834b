import { createPublicKey, X509Certificate as NodeX509 } from 'node:crypto';
import type { JWTKey, X509Certificate } from '@spire-ts/core/plugin';
import type { WireJwtKey, WireX509 } from './upstream-client.js';

/** X.509 authorities from the server API, each checked to parse. Throws SPIRE's messages. */
export function rootsFromWire(list: readonly WireX509[]): X509Certificate[] {
  return list.map((a) => {
    if (!a.asn1?.length) throw new Error('missing X.509 certificate data');
    try {
      new NodeX509(a.asn1);
    } catch (err) {
      throw new Error(`failed to parse X.509 certificate data: ${(err as Error).message}`);
    }
    return { asn1: new Uint8Array(a.asn1), tainted: !!a.tainted };
  });
}

/** JWT authorities from the server API, each with a key ID and a PKIX key that parses. Throws SPIRE's messages. */
export function jwtKeysFromWire(list: readonly WireJwtKey[]): JWTKey[] {
  return list.map((k) => {
    if (!k.key_id) throw new Error('missing key ID for JWT key');
    if (!k.public_key?.length) throw new Error(`missing public key for JWT key "${k.key_id}"`);
    try {
      createPublicKey({ key: k.public_key, format: 'der', type: 'spki' });
    } catch (err) {
      throw new Error(`failed to unmarshal public key for JWT key "${k.key_id}": ${(err as Error).message}`);
    }
    return { publicKey: new Uint8Array(k.public_key), keyId: k.key_id, expiresAt: Number(k.expires_at), tainted: !!k.tainted };
  });
}

/** A JWT key as the server API takes it. */
export function jwtKeyToWire(k: JWTKey): WireJwtKey {
  return { public_key: Buffer.from(k.publicKey), key_id: k.keyId, expires_at: k.expiresAt, tainted: k.tainted };
}
