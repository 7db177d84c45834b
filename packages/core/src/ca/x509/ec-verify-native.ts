import { createRequire } from 'node:module';
import { OID } from './oids.js';

type NativeVerify = (curve: number, hash: number, point: Uint8Array, message: Uint8Array, signature: Uint8Array) => number;

/** Whether the native CSR verifier is in use in this thread, and if not, why. */
export interface NativeEcVerifyStatus {
  loaded: boolean;
  /** Why it is not loaded (absent when loaded). */
  reason?: string;
}

const CURVES: Record<string, { index: number; pointLength: number }> = {
  [OID.prime256v1]: { index: 0, pointLength: 65 },
  [OID.secp384r1]: { index: 1, pointLength: 97 },
};
const HASHES: Record<string, number> = { sha256: 0, sha384: 1, sha512: 2 };
const VALID = 1;
const INVALID_KEY = -1;

/** Set to `0` to keep CSR verification on node:crypto (for comparison and for tests). */
export const NATIVE_EC_VERIFY_ENV = 'SPIRE_TS_NATIVE_EC_VERIFY';

let native: { verify?: NativeVerify; status: NativeEcVerifyStatus } | undefined;

function load(): { verify?: NativeVerify; status: NativeEcVerifyStatus } {
  if (process.env[NATIVE_EC_VERIFY_ENV] === '0') return { status: { loaded: false, reason: `${NATIVE_EC_VERIFY_ENV}=0` } };
  try {
    // dist/ca/x509 -> packages/core/native (built by core's install step, native/build.mjs).
    const mod = createRequire(import.meta.url)('../../../native/build/Release/ec_verify.node') as { verify?: unknown };
    if (typeof mod.verify !== 'function') return { status: { loaded: false, reason: 'the addon has no verify function' } };
    return { verify: mod.verify as NativeVerify, status: { loaded: true } };
  } catch (err) {
    return { status: { loaded: false, reason: (err as Error).message.split('\n')[0] } };
  }
}

function current(): { verify?: NativeVerify; status: NativeEcVerifyStatus } {
  return (native ??= load());
}

/** Loads the native verifier on first call and reports whether it is in use. Never throws. */
export function nativeEcVerifyStatus(): NativeEcVerifyStatus {
  return { ...current().status };
}

/**
 * Verifies an ECDSA signature over `message` (hashed with `hash`) with the uncompressed EC point
 * `point` of the named curve `curveOid`, through the native verifier. Returns undefined when the
 * native path does not apply (not loaded, another curve or hash, another point encoding): the
 * caller then verifies with node:crypto. Throws when the point is not on the curve; otherwise
 * returns whether the signature verifies (a malformed signature does not).
 */
export function nativeEcVerify(curveOid: string, hash: string, point: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean | undefined {
  const { verify } = current();
  const curve = CURVES[curveOid];
  const h = HASHES[hash];
  if (!verify || !curve || h === undefined || point.length !== curve.pointLength || point[0] !== 0x04) return undefined;
  const rc = verify(curve.index, h, point, message, signature);
  if (rc === INVALID_KEY) throw new Error('public key is not a point on its curve');
  return rc === VALID;
}
