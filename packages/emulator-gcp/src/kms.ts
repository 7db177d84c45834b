/**
 * Cloud KMS over REST, as @google-cloud/kms sends it in fallback mode: key rings, asymmetric-sign
 * crypto keys with labels and IAM policies, and versions holding real keys that sign prehashed
 * digests, with CRC32C checksums, list filters, label updates and scheduled destruction.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signDigest, type HashAlgorithm, type KeyType } from '@spire-ts/core/plugin';
import { HttpError, type EmulatorRequest, type Route } from '@spire-ts/emulator-kit';
import { crc32c } from '@spire-ts/plugin-gcp';
import type { GcpEnv } from './env.js';
import { matchesFilter as match, type FilterSubject } from './kms-filter.js';

function matchesFilter(filter: string, subject: FilterSubject): boolean {
  try {
    return match(filter, subject);
  } catch (e) {
    throw new HttpError(400, { error: { code: 400, message: `Invalid filter: ${(e as Error).message}`, status: 'INVALID_ARGUMENT' } });
  }
}

/** The asymmetric signing algorithms the emulator generates keys for. */
export const KMS_ALGORITHMS: Readonly<Record<string, { keyType: KeyType; hash: HashAlgorithm; digestField: string }>> = {
  EC_SIGN_P256_SHA256: { keyType: 'ec-p256', hash: 'SHA256', digestField: 'sha256' },
  EC_SIGN_P384_SHA384: { keyType: 'ec-p384', hash: 'SHA384', digestField: 'sha384' },
  RSA_SIGN_PKCS1_2048_SHA256: { keyType: 'rsa-2048', hash: 'SHA256', digestField: 'sha256' },
  RSA_SIGN_PKCS1_4096_SHA256: { keyType: 'rsa-4096', hash: 'SHA256', digestField: 'sha256' },
};

/** A crypto key version. */
export interface KmsVersion {
  name: string;
  state: 'PENDING_GENERATION' | 'ENABLED' | 'DISABLED' | 'DESTROY_SCHEDULED' | 'DESTROYED';
  algorithm: string;
  createTime: Date;
  destroyTime?: Date;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** GetPublicKey calls still to refuse while the version reports PENDING_GENERATION. */
  pendingReads: number;
}

/** An IAM policy as the API carries it. */
export interface KmsIamPolicy {
  version?: number;
  etag?: string;
  bindings?: { role: string; members: string[] }[];
}

/** A crypto key. */
export interface KmsCryptoKey {
  name: string;
  purpose: string;
  labels: Record<string, string>;
  algorithm: string;
  createTime: Date;
  versions: KmsVersion[];
  iamPolicy: KmsIamPolicy;
}

/**
 * Enum numbers of the names the emulator reads: the client sends enums as numbers
 * (`$alt=json;enum-encoding=int`) and reads names back.
 */
const ENUM_NUMBERS: Record<string, number> = {
  ASYMMETRIC_SIGN: 5,
  RSA_SIGN_PKCS1_2048_SHA256: 5,
  RSA_SIGN_PKCS1_4096_SHA256: 7,
  EC_SIGN_P256_SHA256: 12,
  EC_SIGN_P384_SHA384: 13,
};

/** The enum name of a request value (a name, or its number among `candidates`). */
function enumName(v: unknown, candidates: string[]): string {
  if (typeof v === 'string') return v;
  return candidates.find((c) => ENUM_NUMBERS[c] === v) ?? String(v ?? '');
}

const ALGORITHM_NAMES = Object.keys(KMS_ALGORITHMS);

const KR = '/v1/projects/{project}/locations/{location}/keyRings/{keyRing}';
const CK = `${KR}/cryptoKeys/{cryptoKey}`;
const CKV = `${CK}/cryptoKeyVersions/{version}`;
const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS' };

function err(code: number, message: string, status = STATUS[code] ?? 'UNKNOWN'): HttpError {
  return new HttpError(code, { error: { code, message, status } });
}

function body(r: EmulatorRequest): Record<string, unknown> {
  if (r.body.length === 0) return {};
  try {
    return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw err(400, 'Invalid JSON payload received.');
  }
}

function newKey(algorithm: string): { privateKey: KeyObject; publicKeyPem: string } {
  const kt = KMS_ALGORITHMS[algorithm]!.keyType;
  const pair =
    kt === 'ec-p256' || kt === 'ec-p384'
      ? generateKeyPairSync('ec', { namedCurve: kt === 'ec-p256' ? 'P-256' : 'P-384' })
      : generateKeyPairSync('rsa', { modulusLength: kt === 'rsa-2048' ? 2048 : 4096 });
  return { privateKey: pair.privateKey, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

export class KmsService {
  /** Key ring names (`projects/…/locations/…/keyRings/…`). */
  readonly keyRings = new Set<string>();
  /** Crypto keys by name. */
  readonly cryptoKeys = new Map<string, KmsCryptoKey>();
  /** How long a destroyed version stays DESTROY_SCHEDULED (KMS's default: 30 days). */
  destroyScheduledMs = 30 * 24 * 3600_000;
  /**
   * New versions report PENDING_GENERATION, and refuse GetPublicKey (FAILED_PRECONDITION), for
   * this many GetPublicKey calls, as real asymmetric keys do for a moment after creation.
   */
  pendingGenerationReads = 0;

  constructor(readonly env: GcpEnv) {}

  /** Creates a key ring (idempotent) and returns its name. */
  createKeyRing(project: string, location: string, keyRing: string): string {
    const name = `projects/${project}/locations/${location}/keyRings/${keyRing}`;
    this.keyRings.add(name);
    return name;
  }

  /** The versions of every key, flattened. */
  allVersions(): KmsVersion[] {
    return [...this.cryptoKeys.values()].flatMap((k) => k.versions);
  }

  private keyRingOf(r: EmulatorRequest): string {
    const p = r.params;
    const name = `projects/${p.project}/locations/${p.location}/keyRings/${p.keyRing}`;
    if (!this.keyRings.has(name)) throw err(404, `KeyRing ${name} not found.`);
    return name;
  }

  private keyOf(r: EmulatorRequest): KmsCryptoKey {
    const name = `${this.keyRingOf(r)}/cryptoKeys/${r.params.cryptoKey}`;
    const k = this.cryptoKeys.get(name);
    if (!k) throw err(404, `CryptoKey ${name} not found.`);
    return k;
  }

  private versionOf(r: EmulatorRequest): { key: KmsCryptoKey; version: KmsVersion } {
    const key = this.keyOf(r);
    const version = key.versions.find((v) => v.name === `${key.name}/cryptoKeyVersions/${r.params.version}`);
    if (!version) throw err(404, `CryptoKeyVersion ${key.name}/cryptoKeyVersions/${r.params.version} not found.`);
    return { key, version };
  }

  private addVersion(key: KmsCryptoKey): KmsVersion {
    const v: KmsVersion = {
      name: `${key.name}/cryptoKeyVersions/${key.versions.length + 1}`,
      state: 'ENABLED',
      algorithm: key.algorithm,
      createTime: this.env.now(),
      ...newKey(key.algorithm),
      pendingReads: this.pendingGenerationReads,
    };
    if (v.pendingReads > 0) v.state = 'PENDING_GENERATION';
    key.versions.push(v);
    return v;
  }

  private authed(handler: (r: EmulatorRequest) => unknown): (r: EmulatorRequest) => { json: unknown } {
    return (r) => {
      this.env.checkBearer(r.headers.authorization);
      return { json: handler(r) };
    };
  }

  routes(): Route[] {
    const route = (method: string, path: string, name: string, h: (r: EmulatorRequest) => unknown): Route => ({ method, path, name: `kms.${name}`, handler: this.authed(h) });
    return [
      route('POST', '/v1/projects/{project}/locations/{location}/keyRings', 'createKeyRing', (r) => {
        const id = r.query.get('keyRingId') ?? '';
        const name = `projects/${r.params.project}/locations/${r.params.location}/keyRings/${id}`;
        if (this.keyRings.has(name)) throw err(409, `KeyRing ${name} already exists.`);
        this.keyRings.add(name);
        return { name, createTime: this.env.now().toISOString() };
      }),
      // The REST rule says GET; the client's IAM mixin POSTs.
      route('GET', `${CK}:getIamPolicy`, 'getIamPolicy', (r) => this.keyOf(r).iamPolicy),
      route('POST', `${CK}:getIamPolicy`, 'getIamPolicy', (r) => this.keyOf(r).iamPolicy),
      route('POST', `${CK}:setIamPolicy`, 'setIamPolicy', (r) => {
        const k = this.keyOf(r);
        const policy = (body(r).policy ?? {}) as KmsIamPolicy;
        k.iamPolicy = { version: policy.version ?? 1, bindings: policy.bindings ?? [], etag: Buffer.from(String(Date.now())).toString('base64') };
        return k.iamPolicy;
      }),
      route('POST', `${CKV}:asymmetricSign`, 'asymmetricSign', (r) => this.sign(r)),
      route('POST', `${CKV}:destroy`, 'destroyCryptoKeyVersion', (r) => {
        const { version } = this.versionOf(r);
        if (version.state === 'DESTROY_SCHEDULED' || version.state === 'DESTROYED') {
          throw err(400, `The request cannot be fulfilled. Resource ${version.name} has value ${version.state} in field crypto_key_version.state.`, 'FAILED_PRECONDITION');
        }
        version.state = 'DESTROY_SCHEDULED';
        version.destroyTime = new Date(this.env.now().getTime() + this.destroyScheduledMs);
        return this.versionJson(version);
      }),
      route('GET', `${CKV}/publicKey`, 'getPublicKey', (r) => {
        const { version } = this.versionOf(r);
        if (version.pendingReads > 0 && --version.pendingReads === 0) {
          version.state = 'ENABLED';
          throw err(400, `The request cannot be fulfilled. Resource ${version.name} has value PENDING_GENERATION in field crypto_key_version.state.`, 'FAILED_PRECONDITION');
        }
        if (version.state !== 'ENABLED' && version.state !== 'DISABLED') {
          throw err(400, `The request cannot be fulfilled. Resource ${version.name} has value ${version.state} in field crypto_key_version.state.`, 'FAILED_PRECONDITION');
        }
        const pem = version.publicKeyPem;
        return { pem, algorithm: version.algorithm, pemCrc32c: String(crc32c(pem)), name: version.name, protectionLevel: 'SOFTWARE' };
      }),
      route('GET', CKV, 'getCryptoKeyVersion', (r) => this.versionJson(this.versionOf(r).version)),
      route('GET', `${CK}/cryptoKeyVersions`, 'listCryptoKeyVersions', (r) => {
        const filter = r.query.get('filter') ?? '';
        const all = this.keyOf(r).versions.filter((v) => matchesFilter(filter, { state: v.state, algorithm: v.algorithm }));
        return this.page(r, all.map((v) => this.versionJson(v)), 'cryptoKeyVersions');
      }),
      route('POST', `${CK}/cryptoKeyVersions`, 'createCryptoKeyVersion', (r) => this.versionJson(this.addVersion(this.keyOf(r)))),
      route('GET', CK, 'getCryptoKey', (r) => this.keyJson(this.keyOf(r))),
      route('PATCH', CK, 'updateCryptoKey', (r) => this.update(r)),
      route('GET', `${KR}/cryptoKeys`, 'listCryptoKeys', (r) => {
        const ring = this.keyRingOf(r);
        const filter = r.query.get('filter') ?? '';
        const keys = [...this.cryptoKeys.values()].filter((k) => k.name.startsWith(`${ring}/`) && matchesFilter(filter, { labels: k.labels, purpose: k.purpose }));
        return this.page(r, keys.map((k) => this.keyJson(k)), 'cryptoKeys');
      }),
      route('POST', `${KR}/cryptoKeys`, 'createCryptoKey', (r) => this.create(r)),
    ];
  }

  private page(r: EmulatorRequest, items: unknown[], field: string): unknown {
    const size = Number(r.query.get('pageSize') ?? '0') || items.length || 1;
    const start = Number(r.query.get('pageToken') ?? '0') || 0;
    const next = start + size < items.length ? String(start + size) : undefined;
    return { [field]: items.slice(start, start + size), totalSize: items.length, ...(next ? { nextPageToken: next } : {}) };
  }

  private create(r: EmulatorRequest): unknown {
    const ring = this.keyRingOf(r);
    const id = r.query.get('cryptoKeyId') ?? '';
    if (!/^[a-zA-Z0-9_-]{1,63}$/.test(id)) throw err(400, `Invalid value for crypto_key_id: ${JSON.stringify(id)}`);
    const name = `${ring}/cryptoKeys/${id}`;
    if (this.cryptoKeys.has(name)) throw err(409, `CryptoKey ${name} already exists.`);
    const b = body(r) as { purpose?: unknown; labels?: Record<string, string>; versionTemplate?: { algorithm?: unknown } };
    const purpose = enumName(b.purpose, ['ASYMMETRIC_SIGN']);
    if (purpose !== 'ASYMMETRIC_SIGN') throw err(400, 'The emulator only makes ASYMMETRIC_SIGN crypto keys.');
    const algorithm = enumName(b.versionTemplate?.algorithm, ALGORITHM_NAMES);
    if (!KMS_ALGORITHMS[algorithm]) throw err(400, `Unsupported algorithm ${JSON.stringify(algorithm)} for purpose ASYMMETRIC_SIGN.`);
    const key: KmsCryptoKey = { name, purpose, labels: { ...b.labels }, algorithm, createTime: this.env.now(), versions: [], iamPolicy: { version: 1, etag: 'ACAB' } };
    this.addVersion(key);
    this.cryptoKeys.set(name, key);
    return this.keyJson(key);
  }

  private update(r: EmulatorRequest): unknown {
    const key = this.keyOf(r);
    const mask = (r.query.get('updateMask') ?? '').split(',').filter(Boolean);
    if (mask.length === 0) throw err(400, 'update_mask is required');
    const b = body(r) as { labels?: Record<string, string>; versionTemplate?: { algorithm?: unknown } };
    for (const path of mask) {
      if (path === 'labels') key.labels = { ...b.labels };
      else if (path === 'versionTemplate.algorithm' || path === 'version_template.algorithm') {
        const a = enumName(b.versionTemplate?.algorithm, ALGORITHM_NAMES);
        if (!KMS_ALGORITHMS[a]) throw err(400, `Unsupported algorithm ${JSON.stringify(a)}.`);
        key.algorithm = a;
      } else throw err(400, `Unsupported update mask path ${JSON.stringify(path)}.`);
    }
    return this.keyJson(key);
  }

  private sign(r: EmulatorRequest): unknown {
    const { version } = this.versionOf(r);
    if (version.state !== 'ENABLED') {
      throw err(400, `The request cannot be fulfilled. Resource ${version.name} has value ${version.state} in field crypto_key_version.state.`, 'FAILED_PRECONDITION');
    }
    const b = body(r) as { digest?: Record<string, string>; digestCrc32c?: string | number };
    const alg = KMS_ALGORITHMS[version.algorithm]!;
    const field = Object.keys(b.digest ?? {})[0];
    if (field !== alg.digestField) throw err(400, `Digest type ${JSON.stringify(field ?? '')} does not match algorithm ${version.algorithm}.`);
    const digest = Buffer.from(b.digest![field]!, 'base64');
    if (b.digestCrc32c !== undefined && Number(b.digestCrc32c) !== crc32c(digest)) throw err(400, 'The checksum in field digest_crc32c did not match the data in field digest.');
    let signature: Uint8Array;
    try {
      signature = signDigest(version.privateKey, alg.keyType, digest, { hashAlgorithm: alg.hash });
    } catch (e) {
      throw err(400, (e as Error).message);
    }
    return {
      signature: Buffer.from(signature).toString('base64'),
      signatureCrc32c: String(crc32c(signature)),
      verifiedDigestCrc32c: b.digestCrc32c !== undefined,
      name: version.name,
      protectionLevel: 'SOFTWARE',
    };
  }

  private versionJson(v: KmsVersion): unknown {
    return {
      name: v.name,
      state: v.state,
      algorithm: v.algorithm,
      protectionLevel: 'SOFTWARE',
      createTime: v.createTime.toISOString(),
      generateTime: v.createTime.toISOString(),
      ...(v.destroyTime ? { destroyTime: v.destroyTime.toISOString() } : {}),
    };
  }

  private keyJson(k: KmsCryptoKey): unknown {
    return {
      name: k.name,
      purpose: k.purpose,
      labels: k.labels,
      createTime: k.createTime.toISOString(),
      versionTemplate: { algorithm: k.algorithm, protectionLevel: 'SOFTWARE' },
      destroyScheduledDuration: `${this.destroyScheduledMs / 1000}s`,
    };
  }
}
