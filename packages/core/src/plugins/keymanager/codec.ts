import { Code, spireError } from '../../errors.js';
import type { HashAlgorithm, KeyType, PublicKey, SignerOpts } from './contract.js';
import { bytes } from '../wire-common.js';
import type * as msg from '../wire-messages.js';

const KEY_TYPES: Record<KeyType, msg.KeyType__Output> = {
  'ec-p256': 'EC_P256',
  'ec-p384': 'EC_P384',
  'rsa-2048': 'RSA_2048',
  'rsa-4096': 'RSA_4096',
};

const HASHES: readonly HashAlgorithm[] = [
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
  'SHA3_224',
  'SHA3_256',
  'SHA3_384',
  'SHA3_512',
  'SHA512_224',
  'SHA512_256',
];

/** The wire name of a key type (`EC_P256`). */
export function keyTypeToMsg(t: KeyType): msg.KeyType__Output {
  const v = KEY_TYPES[t];
  if (!v) throw spireError(Code.INVALID_ARGUMENT, `unsupported key type "${String(t)}"`);
  return v;
}

/** The contract's key type for a wire name; throws INVALID_ARGUMENT for UNSPECIFIED or unknown. */
export function keyTypeFromMsg(v: string | number | undefined): KeyType {
  for (const [k, w] of Object.entries(KEY_TYPES)) if (w === v) return k as KeyType;
  throw spireError(Code.INVALID_ARGUMENT, `key type is required (got ${JSON.stringify(v ?? '')})`);
}

function hashFromMsg(v: string | number | undefined): HashAlgorithm {
  const h = HASHES.find((x) => x === v);
  if (!h) throw spireError(Code.INVALID_ARGUMENT, `hash algorithm is required (got ${JSON.stringify(v ?? '')})`);
  return h;
}

/** A public key for the wire. Throws INVALID_ARGUMENT for an unknown key type. */
export function publicKeyToMsg(k: PublicKey): msg.PublicKey {
  return { id: k.id, type: keyTypeToMsg(k.type), pkixData: Buffer.from(k.pkixData), fingerprint: k.fingerprint };
}

/** A public key from the wire. Throws INTERNAL when absent, INVALID_ARGUMENT for an unknown type. */
export function publicKeyFromMsg(m: msg.PublicKey__Output | undefined | null): PublicKey {
  if (!m) throw spireError(Code.INTERNAL, 'plugin response is missing the public key');
  return { id: m.id, type: keyTypeFromMsg(m.type), pkixData: bytes(m.pkixData), fingerprint: m.fingerprint };
}

/** The signer_opts oneof of SignDataRequest for the contract's options. */
export function signerOptsToMsg(o: SignerOpts): Pick<msg.SignDataRequest, 'hashAlgorithm' | 'pssOptions'> {
  if ('pss' in o) return { pssOptions: { saltLength: o.pss.saltLength, hashAlgorithm: o.pss.hashAlgorithm } };
  return { hashAlgorithm: o.hashAlgorithm };
}

/** The contract's options from a SignDataRequest; throws INVALID_ARGUMENT when none is set. */
export function signerOptsFromMsg(m: Pick<msg.SignDataRequest__Output, 'signerOpts' | 'hashAlgorithm' | 'pssOptions'>): SignerOpts {
  if (m.signerOpts === 'pssOptions' && m.pssOptions) {
    return { pss: { saltLength: m.pssOptions.saltLength, hashAlgorithm: hashFromMsg(m.pssOptions.hashAlgorithm) } };
  }
  if (m.signerOpts === 'hashAlgorithm') return { hashAlgorithm: hashFromMsg(m.hashAlgorithm) };
  throw spireError(Code.INVALID_ARGUMENT, 'signer opts is required');
}
