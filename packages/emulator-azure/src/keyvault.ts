/**
 * Key Vault keys, as @azure/keyvault-keys reaches them at the vault URL `<emulator url>`:
 * create (EC P-256/P-384, RSA 2048/4096), get, list (paged with nextLink), update properties and
 * tags, sign a prehashed digest, delete (soft delete: the key moves to the deleted keys). Every
 * request without a bearer the Entra token endpoint issued is answered 401 with Key Vault's
 * challenge, which the SDK's challenge policy follows to get a token.
 */
import { randomBytes } from 'node:crypto';
import { HttpError, type EmulatorRequest, type EmulatorResponse, type Route } from '@spire-ts/emulator-kit';
import type { KeyType } from '@spire-ts/core/plugin';
import type { AzureEnv } from './env.js';
import { generateVaultKey, keyTypeOfRequest, vaultSign, type VaultKeyMaterial } from './keyvault-crypto.js';

/** The resource Key Vault's challenge names (public Azure). */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

/** One version of a key, with its attributes and tags. */
export interface VaultKeyVersion {
  version: string;
  material: VaultKeyMaterial;
  keyOps: string[];
  enabled: boolean;
  /** Unix seconds. */
  created: number;
  /** Unix seconds; moved by every update of the version. */
  updated: number;
  tags: Record<string, string>;
}

/** A key: its versions, newest last. */
export interface VaultKey {
  name: string;
  versions: VaultKeyVersion[];
}

/** A soft-deleted key. */
export interface DeletedVaultKey {
  key: VaultKey;
  /** Unix seconds. */
  deletedDate: number;
}

const NAME = /^[0-9a-zA-Z-]{1,127}$/;

function kvError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, { error: { code, message } });
}

function json(r: EmulatorRequest): Record<string, unknown> {
  try {
    return JSON.parse(r.body.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    throw kvError(400, 'BadParameter', 'The request body is not valid JSON.');
  }
}

export class KeyVaultService {
  /** Live keys by name. */
  readonly keys = new Map<string, VaultKey>();
  /** Soft-deleted keys by name. */
  readonly deleted = new Map<string, DeletedVaultKey>();
  /** The tenant named in the challenge (the SDK asks the token for this tenant). */
  tenantId = '00000000-0000-0000-0000-000000000000';
  /** The challenge's form: `resource="…"` (as Key Vault answers) or `scope="…/.default"`. */
  challengeForm: 'resource' | 'scope' = 'resource';
  /** Keys per page of a list when the client sends no `maxresults`. */
  pageSize = 25;

  constructor(readonly env: AzureEnv) {}

  /** `https://127.0.0.1:<port>`: the vault URL (`key_vault_uri`) of this emulated vault. */
  get vaultUrl(): string {
    return this.env.url;
  }

  /** The key identifier (`kid`) of a version, or of the key when `version` is omitted. */
  kid(name: string, version?: string): string {
    return `${this.vaultUrl}/keys/${name}${version ? `/${version}` : ''}`;
  }

  /** The newest version of a live key (test support). */
  current(name: string): VaultKeyVersion | undefined {
    return this.keys.get(name)?.versions.at(-1);
  }

  /**
   * Creates a key (or a new version of it) directly, as another server or an operator would
   * (test support); `updatedAt` backdates its timestamps.
   */
  async seedKey(name: string, keyType: KeyType, tags: Record<string, string>, updatedAt?: Date): Promise<VaultKeyVersion> {
    const v = await this.addVersion(name, keyType, ['sign', 'verify'], tags, true);
    if (updatedAt) v.created = v.updated = Math.floor(updatedAt.getTime() / 1000);
    return v;
  }

  private nowSeconds(): number {
    return Math.floor(this.env.now().getTime() / 1000);
  }

  private async addVersion(name: string, keyType: KeyType, keyOps: string[], tags: Record<string, string>, enabled: boolean): Promise<VaultKeyVersion> {
    const material = await generateVaultKey(keyType);
    const now = this.nowSeconds();
    const v: VaultKeyVersion = { version: randomBytes(16).toString('hex'), material, keyOps, enabled, created: now, updated: now, tags: { ...tags } };
    let key = this.keys.get(name);
    if (!key) this.keys.set(name, (key = { name, versions: [] }));
    key.versions.push(v);
    return v;
  }

  private attributes(v: VaultKeyVersion): Record<string, unknown> {
    return { enabled: v.enabled, created: v.created, updated: v.updated, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 };
  }

  private bundle(name: string, v: VaultKeyVersion): Record<string, unknown> {
    const jwk = v.material.publicJwk;
    const pub = jwk.kty === 'EC' ? { crv: jwk.crv, x: jwk.x, y: jwk.y } : { n: jwk.n, e: jwk.e };
    return {
      key: { kid: this.kid(name, v.version), kty: jwk.kty, key_ops: v.keyOps, ...pub },
      attributes: this.attributes(v),
      ...(Object.keys(v.tags).length > 0 ? { tags: v.tags } : {}),
    };
  }

  private notFound(name: string, version = ''): HttpError {
    return kvError(404, 'KeyNotFound', `A key with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`);
  }

  private find(name: string, version: string): VaultKeyVersion {
    const key = this.keys.get(name);
    const v = version ? key?.versions.find((x) => x.version === version) : key?.versions.at(-1);
    if (!v) throw this.notFound(name, version);
    return v;
  }

  /** The challenge answer, unless the request carries a bearer the emulator issued. */
  private challenge(r: EmulatorRequest): EmulatorResponse | undefined {
    try {
      this.env.checkBearer(r.headers.authorization);
      return undefined;
    } catch (e) {
      if (!(e instanceof HttpError) || e.status !== 401) throw e;
    }
    const target = this.challengeForm === 'resource' ? `resource="${KEY_VAULT_RESOURCE}"` : `scope="${KEY_VAULT_RESOURCE}/.default"`;
    return {
      status: 401,
      headers: { 'www-authenticate': `Bearer authorization="${this.env.url}/${this.tenantId}", ${target}` },
      json: { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
    };
  }

  private async create(r: EmulatorRequest): Promise<unknown> {
    const name = r.params.name!;
    if (!NAME.test(name)) throw kvError(400, 'BadParameter', `The name ${name} is not a valid key name.`);
    if (this.deleted.has(name)) throw kvError(409, 'Conflict', `Key ${name} is currently in a deleted but recoverable state.`);
    const b = json(r);
    const t = keyTypeOfRequest(b.kty, b.key_size, b.crv);
    if ('refused' in t) throw kvError(400, 'BadParameter', t.refused);
    const attrs = (b.attributes ?? {}) as { enabled?: boolean };
    const ops = Array.isArray(b.key_ops) ? (b.key_ops as string[]) : ['sign', 'verify'];
    const v = await this.addVersion(name, t.keyType, ops, (b.tags ?? {}) as Record<string, string>, attrs.enabled ?? true);
    return this.bundle(name, v);
  }

  private update(r: EmulatorRequest): unknown {
    const name = r.params.name!;
    const v = this.find(name, r.params.version ?? '');
    const b = json(r);
    if (Array.isArray(b.key_ops)) v.keyOps = b.key_ops as string[];
    const attrs = (b.attributes ?? {}) as { enabled?: boolean };
    if (typeof attrs.enabled === 'boolean') v.enabled = attrs.enabled;
    if (b.tags && typeof b.tags === 'object') v.tags = { ...(b.tags as Record<string, string>) };
    v.updated = this.nowSeconds();
    return this.bundle(name, v);
  }

  private sign(r: EmulatorRequest): unknown {
    const name = r.params.name!;
    const v = this.find(name, r.params.version!);
    if (!v.enabled) throw kvError(403, 'Forbidden', 'Operation sign is not allowed on a disabled key.');
    if (!v.keyOps.includes('sign')) throw kvError(403, 'Forbidden', 'Operation sign is not permitted on this key.');
    const b = json(r);
    const digest = Buffer.from(String(b.value ?? ''), 'base64url');
    const sig = vaultSign(v.material, String(b.alg ?? ''), digest);
    if (typeof sig === 'string') throw kvError(400, 'BadParameter', sig);
    return { kid: this.kid(name, v.version), value: Buffer.from(sig).toString('base64url') };
  }

  private list(r: EmulatorRequest): unknown {
    const max = Number(r.query.get('maxresults') ?? this.pageSize) || this.pageSize;
    const skip = Number(r.query.get('$skiptoken') ?? 0) || 0;
    const all = [...this.keys.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = all.slice(skip, skip + max).map((k) => {
      const v = k.versions.at(-1)!;
      return { kid: this.kid(k.name), attributes: this.attributes(v), ...(Object.keys(v.tags).length > 0 ? { tags: v.tags } : {}) };
    });
    const next = skip + max < all.length ? `${this.vaultUrl}/keys?api-version=${r.query.get('api-version') ?? '7.5'}&$skiptoken=${skip + max}&maxresults=${max}` : null;
    return { value: page, nextLink: next };
  }

  private deletedBundle(d: DeletedVaultKey): unknown {
    const name = d.key.name;
    return {
      ...this.bundle(name, d.key.versions.at(-1)!),
      recoveryId: `${this.vaultUrl}/deletedkeys/${name}`,
      deletedDate: d.deletedDate,
      scheduledPurgeDate: d.deletedDate + 90 * 86400,
    };
  }

  private remove(name: string): unknown {
    const key = this.keys.get(name);
    if (!key) throw this.notFound(name);
    this.keys.delete(name);
    const d = { key, deletedDate: this.nowSeconds() };
    this.deleted.set(name, d);
    return this.deletedBundle(d);
  }

  routes(): Route[] {
    const authed =
      (fn: (r: EmulatorRequest) => unknown | Promise<unknown>) =>
      async (r: EmulatorRequest): Promise<EmulatorResponse> =>
        this.challenge(r) ?? { json: await fn(r) };
    return [
      { method: 'POST', path: '/keys/{name}/create', name: 'keyvault.create', handler: authed((r) => this.create(r)) },
      { method: 'POST', path: '/keys/{name}/{version}/sign', name: 'keyvault.sign', handler: authed((r) => this.sign(r)) },
      { method: 'GET', path: '/keys', name: 'keyvault.list', handler: authed((r) => this.list(r)) },
      { method: 'GET', path: '/keys/{name}', name: 'keyvault.get', handler: authed((r) => this.bundle(r.params.name!, this.find(r.params.name!, ''))) },
      { method: 'GET', path: '/keys/{name}/', name: 'keyvault.get', handler: authed((r) => this.bundle(r.params.name!, this.find(r.params.name!, ''))) },
      { method: 'GET', path: '/keys/{name}/{version}', name: 'keyvault.get', handler: authed((r) => this.bundle(r.params.name!, this.find(r.params.name!, r.params.version!))) },
      { method: 'PATCH', path: '/keys/{name}/', name: 'keyvault.update', handler: authed((r) => this.update(r)) },
      { method: 'PATCH', path: '/keys/{name}/{version}', name: 'keyvault.update', handler: authed((r) => this.update(r)) },
      { method: 'DELETE', path: '/keys/{name}', name: 'keyvault.delete', handler: authed((r) => this.remove(r.params.name!)) },
      {
        method: 'GET',
        path: '/deletedkeys/{name}',
        name: 'keyvault.get-deleted',
        handler: authed((r) => {
          const d = this.deleted.get(r.params.name!);
          if (!d) throw kvError(404, 'KeyNotFound', `Deleted Key not found: ${r.params.name!}`);
          return this.deletedBundle(d);
        }),
      },
    ];
  }
}
