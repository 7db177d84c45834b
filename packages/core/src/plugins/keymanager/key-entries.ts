import { Code, spireError } from '../../errors.js';
import type { PublicKey, SignerOpts } from './contract.js';

/**
 * The keys a KeyManager holds, by key ID: a Map with the lookups of the contract's
 * GetPublicKey, GetPublicKeys and SignData, and SPIRE's checks and messages for them (every
 * SPIRE KeyManager words them alike). `E` is the plugin's own record of a key: whatever it needs
 * to sign (a KMS key ARN, a Transit key name), with the public key the contract returns.
 */
export class KeyEntries<E extends { publicKey: PublicKey }> extends Map<string, E> {
  /**
   * The public key of `keyId`. Throws INVALID_ARGUMENT `key id is required` for an empty ID and
   * NOT_FOUND `key "<id>" not found` for an unknown one.
   */
  publicKey(keyId: string): PublicKey {
    return this.entry(keyId).publicKey;
  }

  /** Every public key, in insertion order. */
  publicKeys(): PublicKey[] {
    return [...this.values()].map((e) => e.publicKey);
  }

  /**
   * The entry to sign with: the checks of {@link publicKey}, after INVALID_ARGUMENT
   * `signer opts is required` when `opts` is missing (SPIRE's order: key ID, options, key).
   */
  forSigning(keyId: string, opts: SignerOpts | undefined): E {
    if (!keyId) throw spireError(Code.INVALID_ARGUMENT, 'key id is required');
    if (!opts) throw spireError(Code.INVALID_ARGUMENT, 'signer opts is required');
    return this.entry(keyId);
  }

  private entry(keyId: string): E {
    if (!keyId) throw spireError(Code.INVALID_ARGUMENT, 'key id is required');
    const e = this.get(keyId);
    if (!e) throw spireError(Code.NOT_FOUND, `key ${JSON.stringify(keyId)} not found`);
    return e;
  }
}
