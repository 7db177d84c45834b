import { createHash } from 'node:crypto';
import type { KeyManager, KeyType } from '../plugins/keymanager/contract.js';
import { hasWorkerKeys, EXPORT_FOR_WORKERS, type WorkerKeyMaterial } from '../plugins/keymanager/worker-keys.js';
import { isEcKeyType } from '../plugins/keymanager/key-types.js';
import type { SigningPool } from './pool/signing-pool.js';
import { MAX_BATCH, type X509Outcome } from './pool/signing-tasks.js';
import { assembleCertificate } from './x509/certificate.js';
import { parseCsr, verifyCsr } from './x509/csr.js';
import { children, readTlv } from '../der.js';
import { signatureAlgorithmFor } from './x509/spki.js';
import { buildSvidTbs, signatureAlgorithmDer, type IssuerSpec, type X509SvidSpec } from './x509/svid-template.js';

/**
 * What the CA signs with: one key, by its KeyManager key ID. The CA never sees the KeyManager;
 * it sees this. Every method takes a batch and keeps its order.
 */
export interface CASigner {
  readonly keyId: string;
  readonly keyType: KeyType;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  /** Mints X509-SVIDs under `issuer`. A bad item fails alone (its outcome carries the error). */
  mintX509(issuer: IssuerSpec, items: X509SvidSpec[]): Promise<X509Outcome[]>;
  /** Signs JWS signing inputs; returns JWS signatures (R||S for ECDSA). */
  signJws(inputs: string[]): Promise<Uint8Array[]>;
  /** Signs messages with the key type's hash (SHA-256, SHA-384 for P-384); ECDSA as DER. */
  signRaw(messages: Uint8Array[]): Promise<Uint8Array[]>;
}

export { MAX_BATCH } from './pool/signing-tasks.js';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A signer whose key lives in the kernel's worker threads (disk and memory KeyManagers). */
class WorkerSigner implements CASigner {
  constructor(
    private readonly pool: SigningPool,
    private readonly key: WorkerKeyMaterial,
    readonly publicKey: Uint8Array,
  ) {}

  get keyId(): string {
    return this.key.keyId;
  }
  get keyType(): KeyType {
    return this.key.keyType;
  }

  async mintX509(issuer: IssuerSpec, items: X509SvidSpec[]): Promise<X509Outcome[]> {
    // Spread a big batch over the workers, but keep each task large enough that message cost is
    // amortised (a BatchNewX509SVID of 50 is one task).
    const size = Math.min(MAX_BATCH, Math.max(Math.ceil(items.length / this.pool.threads), 50));
    const parts = await Promise.all(chunks(items, size).map((c) => this.pool.run({ kind: 'x509', key: this.key, issuer, items: c })));
    return parts.flat();
  }

  async signJws(inputs: string[]): Promise<Uint8Array[]> {
    const parts = await Promise.all(chunks(inputs, MAX_BATCH).map((c) => this.pool.run({ kind: 'jws', key: this.key, items: c })));
    return parts.flat();
  }

  async signRaw(messages: Uint8Array[]): Promise<Uint8Array[]> {
    return this.pool.run({ kind: 'raw', key: this.key, items: messages });
  }
}

/** R||S of a DER ECDSA signature, each padded to the curve size. */
export function derToJose(der: Uint8Array, size: number): Uint8Array {
  const [r, s] = children(readTlv(der).content);
  const out = new Uint8Array(size * 2);
  const put = (v: Uint8Array, off: number) => {
    const trimmed = v[0] === 0 ? v.subarray(1) : v;
    out.set(trimmed, off + size - trimmed.length);
  };
  put(r!.content, 0);
  put(s!.content, size);
  return out;
}

/** A signer that asks a KeyManager in another process (or a KMS) to sign each digest. */
class RemoteSigner implements CASigner {
  constructor(
    private readonly km: KeyManager,
    readonly keyId: string,
    readonly keyType: KeyType,
    readonly publicKey: Uint8Array,
  ) {}

  private async sign(message: Uint8Array): Promise<Uint8Array> {
    const { hash } = signatureAlgorithmFor(this.keyType);
    const digest = createHash(hash).update(message).digest();
    const { signature } = await this.km.signData(this.keyId, digest, { hashAlgorithm: hash === 'sha256' ? 'SHA256' : 'SHA384' });
    return signature;
  }

  async mintX509(issuer: IssuerSpec, items: X509SvidSpec[]): Promise<X509Outcome[]> {
    const alg = signatureAlgorithmDer(this.keyType);
    return Promise.all(
      items.map(async (spec): Promise<X509Outcome> => {
        let spki = spec.spki;
        try {
          if (spec.csr) {
            const csr = parseCsr(spec.csr);
            verifyCsr(csr);
            spki = csr.spki;
          }
        } catch (err) {
          return { error: (err as Error).message, kind: 'bad-csr' };
        }
        if (!spki) return { error: 'no public key' };
        let tbs: Uint8Array;
        try {
          tbs = buildSvidTbs(spec, spki, issuer);
        } catch (err) {
          return { error: (err as Error).message };
        }
        return { der: assembleCertificate(tbs, alg, await this.sign(tbs)) };
      }),
    );
  }

  async signJws(inputs: string[]): Promise<Uint8Array[]> {
    return Promise.all(
      inputs.map(async (i) => {
        const sig = await this.sign(new TextEncoder().encode(i));
        return isEcKeyType(this.keyType) ? derToJose(sig, this.keyType === 'ec-p256' ? 32 : 48) : sig;
      }),
    );
  }

  signRaw(messages: Uint8Array[]): Promise<Uint8Array[]> {
    return Promise.all(messages.map((m) => this.sign(m)));
  }
}

/**
 * The signer for a KeyManager key: in the worker pool when the KeyManager keeps its keys in this
 * process, else through the KeyManager's own signData. Throws what the KeyManager throws
 * (NOT_FOUND for an unknown key).
 */
export async function signerFor(km: KeyManager, keyId: string, pool: SigningPool): Promise<CASigner> {
  const pk = await km.getPublicKey(keyId);
  if (hasWorkerKeys(km)) {
    const material = await km[EXPORT_FOR_WORKERS](keyId);
    return new WorkerSigner(pool, material, pk.pkixData);
  }
  return new RemoteSigner(km, keyId, pk.type, pk.pkixData);
}
