import type { KeyManager, KeyType } from './contract.js';

/**
 * A private key as handed to the kernel's signing workers: PKCS#8 DER. Only KeyManagers that keep
 * their keys in this process (disk, memory) offer it.
 *
 * Trust boundary: the material crosses from the KeyManager object to the signing worker threads of
 * the same process (worker_threads message passing copies the bytes). It is never written out,
 * logged, returned through an API or sent to another process. A KeyManager in another process
 * (external plugin, cloud KMS) never offers it and signs through its own `signData`.
 */
export interface WorkerKeyMaterial {
  keyId: string;
  keyType: KeyType;
  /** DER PKCS#8 private key. */
  pkcs8: Uint8Array;
  /** The key's public fingerprint (hex SHA-256 of the SubjectPublicKeyInfo). */
  fingerprint: string;
}

/**
 * The symbol under which an in-process KeyManager exposes its keys to the kernel's signing pool.
 * A symbol rather than a method name: it is not part of the KeyManager contract, cannot be reached
 * over gRPC, and only code that imports this symbol from core can call it.
 */
export const EXPORT_FOR_WORKERS: unique symbol = Symbol.for('spire.ca.exportKeyForWorkers');

/** The in-process signer keys capability. */
export interface WorkerKeySource {
  /** Throws NOT_FOUND for an unknown key. Safe to call any number of times. */
  [EXPORT_FOR_WORKERS](keyId: string): Promise<WorkerKeyMaterial>;
}

/** True when the KeyManager keeps its keys in this process and lends them to the signing pool. */
export function hasWorkerKeys(km: KeyManager): km is KeyManager & WorkerKeySource {
  return typeof (km as Partial<WorkerKeySource>)[EXPORT_FOR_WORKERS] === 'function';
}
