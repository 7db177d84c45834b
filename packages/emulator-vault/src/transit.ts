/**
 * Vault's Transit secrets engine, the routes SPIRE's hashicorp_vault KeyManager calls: create a
 * key (`type`, `exportable`), read it (type, latest version, public key per version), list the
 * keys, set `deletion_allowed` and delete, and sign (`/sign/<key>/<hash>` with `prehashed`,
 * `marshaling_algorithm` and, for RSA, `signature_algorithm` and `salt_length`). Private keys
 * never leave the engine; a key is not deleted unless its config allows it, as in Vault.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { HttpError, type EmulatorRequest, type Route } from '@spire-ts/emulator-kit';
import { signDigest, type HashAlgorithm, type KeyType } from '@spire-ts/core/plugin';
import { badRequest, jsonBody, namespaceOf, tokenOf, WRITE_METHODS } from './request.js';
import type { TokenStore } from './tokens.js';

/** Transit key types this engine makes, with the contract's name of each. */
export const TRANSIT_KEY_TYPES: Record<string, KeyType> = { 'ecdsa-p256': 'ec-p256', 'ecdsa-p384': 'ec-p384', 'rsa-2048': 'rsa-2048', 'rsa-4096': 'rsa-4096' };
const HASHES: Record<string, { alg: HashAlgorithm; node: string; size: number }> = {
  'sha2-256': { alg: 'SHA256', node: 'sha256', size: 32 },
  'sha2-384': { alg: 'SHA384', node: 'sha384', size: 48 },
  'sha2-512': { alg: 'SHA512', node: 'sha512', size: 64 },
};

/** One Transit key (a single version: SPIRE never rotates in Vault). */
export interface TransitKey {
  name: string;
  type: string;
  exportable: boolean;
  deletionAllowed: boolean;
  creationTime: string;
  privateKey: KeyObject;
  publicPem: string;
  signatures: number;
}

const notFound = () => new HttpError(404, { errors: [] });

/** The Transit engine at one mount. */
export class TransitEngine {
  /** Keys by namespace and name. */
  readonly keys = new Map<string, TransitKey>();

  constructor(
    private readonly tokens: TokenStore,
    readonly mount = 'transit',
  ) {}

  private id(ns: string, name: string): string {
    return `${ns}\u0000${name}`;
  }

  /** The key `name` in `namespace` (default root), if any. */
  key(name: string, namespace = ''): TransitKey | undefined {
    return this.keys.get(this.id(namespace, name));
  }

  /** The routes. */
  routes(): Route[] {
    const m = this.mount;
    const guard = (fn: (req: EmulatorRequest, ns: string) => unknown) => (req: EmulatorRequest) => {
      const ns = namespaceOf(req);
      this.tokens.check(tokenOf(req), ns);
      return fn(req, ns) as never;
    };
    return [
      { method: 'GET', path: `/v1/${m}/keys`, name: 'transit.keys.list', handler: guard((_r, ns) => this.list(ns)) },
      { method: 'GET', path: `/v1/${m}/keys/{name}`, name: 'transit.keys.read', handler: guard((r, ns) => this.read(r.params.name!, ns)) },
      { method: 'DELETE', path: `/v1/${m}/keys/{name}`, name: 'transit.keys.delete', handler: guard((r, ns) => this.remove(r.params.name!, ns)) },
      ...WRITE_METHODS.flatMap((method) => [
        { method, path: `/v1/${m}/keys/{name}/config`, name: 'transit.keys.config', handler: guard((r, ns) => this.config(r, ns)) },
        { method, path: `/v1/${m}/keys/{name}`, name: 'transit.keys.create', handler: guard((r, ns) => this.create(r, ns)) },
        { method, path: `/v1/${m}/sign/{name}/{hash}`, name: 'transit.sign', handler: guard((r, ns) => this.sign(r, ns)) },
      ]),
    ];
  }

  private list(ns: string) {
    const names = [...this.keys.values()].filter((k) => this.keys.get(this.id(ns, k.name)) === k).map((k) => k.name).sort();
    if (names.length === 0) throw notFound();
    return { json: { data: { keys: names } } };
  }

  private create(req: EmulatorRequest, ns: string) {
    const name = req.params.name!;
    const body = jsonBody(req);
    const type = typeof body.type === 'string' ? body.type : 'aes256-gcm96';
    if (this.keys.has(this.id(ns, name))) return { status: 204 };
    if (!TRANSIT_KEY_TYPES[type]) throw badRequest(`unknown key type: ${type}`);
    const { privateKey, publicKey } = type.startsWith('rsa')
      ? generateKeyPairSync('rsa', { modulusLength: type === 'rsa-2048' ? 2048 : 4096 })
      : generateKeyPairSync('ec', { namedCurve: type === 'ecdsa-p256' ? 'P-256' : 'P-384' });
    this.keys.set(this.id(ns, name), {
      name,
      type,
      exportable: body.exportable === true,
      deletionAllowed: false,
      creationTime: new Date().toISOString(),
      privateKey,
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
      signatures: 0,
    });
    return { status: 204 };
  }

  private read(name: string, ns: string) {
    const k = this.keys.get(this.id(ns, name));
    if (!k) throw notFound();
    return {
      json: {
        data: {
          name: k.name,
          type: k.type,
          exportable: k.exportable,
          deletion_allowed: k.deletionAllowed,
          latest_version: 1,
          min_available_version: 0,
          min_decryption_version: 1,
          min_encryption_version: 0,
          supports_signing: true,
          auto_rotate_period: 0,
          keys: { '1': { creation_time: k.creationTime, name: TRANSIT_KEY_TYPES[k.type]!.startsWith('ec') ? (k.type === 'ecdsa-p256' ? 'P-256' : 'P-384') : k.type, public_key: k.publicPem } },
        },
      },
    };
  }

  private config(req: EmulatorRequest, ns: string) {
    const k = this.keys.get(this.id(ns, req.params.name!));
    if (!k) throw badRequest('no existing key named ' + req.params.name + ' could be found');
    const body = jsonBody(req);
    if (typeof body.deletion_allowed === 'boolean') k.deletionAllowed = body.deletion_allowed;
    return { status: 204 };
  }

  private remove(name: string, ns: string) {
    const k = this.keys.get(this.id(ns, name));
    if (!k) return { status: 204 };
    if (!k.deletionAllowed) throw badRequest('deletion is not allowed for this key');
    this.keys.delete(this.id(ns, name));
    return { status: 204 };
  }

  private sign(req: EmulatorRequest, ns: string) {
    const k = this.keys.get(this.id(ns, req.params.name!));
    if (!k) throw badRequest('signing key not found');
    const hash = HASHES[req.params.hash!];
    if (!hash) throw badRequest(`unsupported hash algorithm ${req.params.hash}`);
    const body = jsonBody(req);
    if (typeof body.input !== 'string') throw badRequest('missing input to process');
    let digest: Buffer = Buffer.from(body.input, 'base64');
    if (body.prehashed !== true) digest = createHash(hash.node).update(digest).digest();
    const keyType = TRANSIT_KEY_TYPES[k.type]!;
    // Vault signs a prehashed ECDSA input whatever the hash named (ECDSA uses only its length); RSA needs the digest of that hash.
    const ecHash = Object.values(HASHES).find((h) => h.size === digest.length);
    if (keyType.startsWith('ec') ? !ecHash : digest.length !== hash.size) throw badRequest(`the input is ${digest.length} bytes, not a ${req.params.hash} digest`);
    let sig: Uint8Array;
    if (keyType.startsWith('rsa')) {
      const algo = typeof body.signature_algorithm === 'string' && body.signature_algorithm !== '' ? body.signature_algorithm : 'pss';
      if (algo !== 'pss' && algo !== 'pkcs1v15') throw badRequest(`unsupported rsa signature algorithm ${algo}`);
      if (algo === 'pkcs1v15') sig = signDigest(k.privateKey, keyType, digest, { hashAlgorithm: hash.alg });
      else sig = signDigest(k.privateKey, keyType, digest, { pss: { hashAlgorithm: hash.alg, saltLength: this.saltLength(body.salt_length, keyType, hash.size) } });
    } else {
      const marshaling = typeof body.marshaling_algorithm === 'string' && body.marshaling_algorithm !== '' ? body.marshaling_algorithm : 'asn1';
      if (marshaling !== 'asn1') throw badRequest(`unsupported marshaling algorithm ${marshaling} in this emulator`);
      sig = signDigest(k.privateKey, keyType, digest, { hashAlgorithm: ecHash!.alg });
    }
    k.signatures++;
    return { json: { data: { signature: `vault:v1:${Buffer.from(sig).toString('base64')}`, key_version: 1 } } };
  }

  /** Vault's salt_length: "auto" (the default: as long as the key allows), "hash", or a number. */
  private saltLength(v: unknown, keyType: KeyType, hashSize: number): number {
    if (v === undefined || v === 'auto' || v === '') return (keyType === 'rsa-2048' ? 256 : 512) - hashSize - 2;
    if (v === 'hash') return hashSize;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? parseInt(v, 10) : NaN;
    if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid salt_length ${JSON.stringify(v)}`);
    return n;
  }
}
