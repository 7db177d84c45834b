import { createPublicKey } from 'node:crypto';

/** True when two DER SubjectPublicKeyInfos hold the same public key; false when either does not parse. */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  try {
    const ka = createPublicKey({ key: Buffer.from(a), format: 'der', type: 'spki' });
    const kb = createPublicKey({ key: Buffer.from(b), format: 'der', type: 'spki' });
    return ka.equals(kb);
  } catch {
    return false;
  }
}
