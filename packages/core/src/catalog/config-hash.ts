import { createHash } from 'node:crypto';

/**
 * The fingerprint of a plugin's data text that reconfiguration compares, as SPIRE computes it:
 * the first 16 bytes of SHA-512 over the text, in lower-case hex (32 characters). Pure.
 */
export function pluginDataHash(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest().subarray(0, 16).toString('hex');
}
