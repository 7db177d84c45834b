import { generateKeyPairSync } from 'node:crypto';
import type { PluginBundle } from './types.js';

const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });

/**
 * A small bundle for contract suites: one stand-in DER blob (not a parseable certificate; suites
 * that need real X.509 build their own) and one real P-256 JWT key in PKIX form.
 */
export function sampleBundle(sequenceNumber = 1, trustDomain = 'example.org'): PluginBundle {
  return {
    trustDomain,
    x509Authorities: [{ asn1: Uint8Array.from([0x30, 0x03, 0x02, 0x01, sequenceNumber & 0xff]), tainted: false }],
    jwtAuthorities: [{ publicKey: new Uint8Array(jwtKey), keyId: `kid-${sequenceNumber}`, expiresAt: 1_900_000_000, tainted: false }],
    refreshHint: 300,
    sequenceNumber,
  };
}
