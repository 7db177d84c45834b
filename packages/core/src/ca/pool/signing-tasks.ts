import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { WorkerKeyMaterial } from '../../plugins/keymanager/worker-keys.js';
import { isEcKeyType } from '../../plugins/keymanager/key-types.js';
import { assembleCertificate } from '../x509/certificate.js';
import { parseCsr, verifyCsr } from '../x509/csr.js';
import { readSpki, signatureAlgorithmFor, type SpkiInfo } from '../x509/spki.js';
import { buildSvidTbs, signatureAlgorithmDer, type IssuerSpec, type X509SvidSpec } from '../x509/svid-template.js';

/**
 * Work for the signing pool. One task carries a whole batch, so one message to a worker carries
 * many signatures. Everything here is plain data (structured-clonable).
 */
export type SigningTask =
  /** Mint X509-SVIDs: verify CSRs (when given), build TBS, sign, assemble. */
  | { kind: 'x509'; key: WorkerKeyMaterial; issuer: IssuerSpec; items: X509SvidSpec[] }
  /** Sign JWS signing inputs (`header.payload`); signatures are JWS form (R||S for ECDSA). */
  | { kind: 'jws'; key: WorkerKeyMaterial; items: string[] }
  /** Sign messages (hashing them with the key type's hash); ECDSA signatures are DER. */
  | { kind: 'raw'; key: WorkerKeyMaterial; items: Uint8Array[] };

/** Largest number of items in one worker task. */
export const MAX_BATCH = 64;

/**
 * Why the signer minted no certificate for one spec: `kind` is `bad-csr` when the CSR itself was
 * refused (the caller's fault), absent for any other failure.
 */
export type X509Failure = { error: string; kind?: 'bad-csr' };
/** One item's outcome: the DER certificate or why it failed (a bad CSR fails alone). */
export type X509Outcome = { der: Uint8Array } | X509Failure;

/** The result type of each task kind. */
export interface SigningResults {
  x509: X509Outcome[];
  jws: Uint8Array[];
  raw: Uint8Array[];
}

// Keys parsed once per worker, by fingerprint; the material itself stays in the message.
const keyCache = new Map<string, KeyObject>();

function keyObject(m: WorkerKeyMaterial): KeyObject {
  let k = keyCache.get(m.fingerprint);
  if (!k) {
    k = createPrivateKey({ key: Buffer.from(m.pkcs8), format: 'der', type: 'pkcs8' });
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(m.fingerprint, k);
  }
  return k;
}

function mintOne(spec: X509SvidSpec, issuer: IssuerSpec, key: KeyObject, hash: string, alg: Uint8Array): X509Outcome {
  let spki = spec.spki;
  let info: SpkiInfo | undefined;
  if (spec.csr) {
    try {
      const csr = parseCsr(spec.csr);
      info = readSpki(csr.spki);
      verifyCsr(csr, info);
      spki = csr.spki;
    } catch (err) {
      return { error: (err as Error).message, kind: 'bad-csr' };
    }
  }
  if (!spki) return { error: 'no public key' };
  let tbs: Uint8Array;
  try {
    tbs = buildSvidTbs(spec, spki, issuer, info ?? readSpki(spki));
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { der: assembleCertificate(tbs, alg, sign(hash, tbs, key)) };
}

/**
 * Runs one signing task. This is the body of the pool's worker threads; the in-process fake pool
 * calls it too (tests only). Throws when the key material cannot be parsed.
 */
export function runSigningTask(task: SigningTask): SigningResults[SigningTask['kind']] {
  const key = keyObject(task.key);
  const { hash } = signatureAlgorithmFor(task.key.keyType);
  switch (task.kind) {
    case 'x509': {
      const alg = signatureAlgorithmDer(task.key.keyType);
      return task.items.map((s) => mintOne(s, task.issuer, key, hash, alg));
    }
    case 'jws': {
      const opts = isEcKeyType(task.key.keyType) ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
      return task.items.map((input) => new Uint8Array(sign(hash, Buffer.from(input), opts)));
    }
    case 'raw':
      return task.items.map((m) => new Uint8Array(sign(hash, m, key)));
  }
}
