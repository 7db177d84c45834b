/**
 * The Transit calls of KeyManager "hashicorp_vault", over the shared Vault session, with SPIRE's
 * requests (non-exportable keys, no Vault-side rotation; deletion allowed just before deleting;
 * prehashed ASN.1 signatures) and its checks of each answer.
 */
import type { VaultSession } from '@spire-ts/plugin-vault';
import { HashicorpVaultErrors as E } from './errors.js';

/** Transit key types, as Vault names them. */
export type TransitKeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-4096';
/** Transit hash names. */
export type TransitHash = 'sha2-256' | 'sha2-384' | 'sha2-512';

/** A key as Transit describes it: its type and the latest version's data. */
export interface TransitKeyEntry {
  name: string;
  type: string;
  latest: Record<string, unknown>;
}

/** What to sign with. */
export interface TransitSignRequest {
  hash: TransitHash;
  /** RSA only: `pkcs1v15` or `pss`. */
  signatureAlgorithm?: 'pkcs1v15' | 'pss';
  /** RSA-PSS only: Vault's salt_length (a number, `hash` or `auto`). */
  saltLength?: string;
}

/** The Transit engine at `mount`. Every method throws INTERNAL with SPIRE's message on failure. */
export class TransitClient {
  constructor(
    private readonly session: VaultSession,
    private readonly mount: string,
  ) {}

  private async call(what: string, method: 'GET' | 'PUT' | 'DELETE', path: string, body?: Record<string, unknown>) {
    try {
      return await this.session.call(method, `${this.mount}/${path}`, body);
    } catch (e) {
      if (typeof (e as { code?: unknown }).code === 'number') throw e;
      throw E.transit(what, e);
    }
  }

  async createKey(name: string, type: TransitKeyType): Promise<void> {
    await this.call('failed to create transit engine key', 'PUT', `keys/${name}`, { type, exportable: false, auto_rotate_period: 0 });
  }

  async deleteKey(name: string): Promise<void> {
    await this.call('failed to enable deletion of transit engine key', 'PUT', `keys/${name}/config`, { deletion_allowed: true });
    await this.call('failed to delete transit engine key', 'DELETE', `keys/${name}`);
  }

  /** Signs a digest; resolves the raw signature (the `vault:v1:` prefix and base64 removed). */
  async sign(name: string, digest: Uint8Array, req: TransitSignRequest): Promise<Uint8Array> {
    const body: Record<string, unknown> = { input: Buffer.from(digest).toString('base64'), marshaling_algorithm: 'asn1', prehashed: true };
    if (req.signatureAlgorithm) body.signature_algorithm = req.signatureAlgorithm;
    if (req.saltLength !== undefined) body.salt_length = req.saltLength;
    const res = await this.call('transit engine sign call failed', 'PUT', `sign/${name}/${req.hash}`, body);
    const data = (res.data ?? {}) as Record<string, unknown>;
    if (!('signature' in data)) throw E.transit('transit engine sign call was successful but signature is missing');
    const sig = data.signature;
    if (typeof sig !== 'string') throw E.transit(`expected signature data type string but got ${typeof sig}`);
    if (!sig.startsWith('vault:v1:')) throw E.transit('signature is missing vault prefix');
    const b64 = sig.slice('vault:v1:'.length);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw E.transit('unable to base64 decode signature: illegal base64 data');
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }

  /** The names of every key of the engine ([] when there are none: Vault answers 404). */
  async listKeys(): Promise<string[]> {
    let res;
    try {
      res = await this.session.call('GET', `${this.mount}/keys?list=true`);
    } catch (e) {
      if ((e as { status?: unknown }).status === 404) return [];
      if (typeof (e as { code?: unknown }).code === 'number') throw e;
      throw E.transit('transit engine list keys call failed', e);
    }
    const keys = ((res.data ?? {}) as Record<string, unknown>).keys;
    if (keys === undefined) throw E.transit('transit engine list keys call was successful but keys are missing');
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw E.transit('expected keys data type []interface {} of strings');
    return keys as string[];
  }

  /** A key's type and the data of its latest version. */
  async getKey(name: string): Promise<TransitKeyEntry> {
    const res = await this.call('failed to get transit engine key', 'GET', `keys/${name}`);
    const data = (res.data ?? {}) as Record<string, unknown>;
    if (typeof data.type !== 'string') throw E.transit('transit engine get key call was successful but type is missing');
    if (typeof data.latest_version !== 'number') throw E.transit('transit engine get key call was successful but latest_version is missing');
    const keys = data.keys;
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) throw E.transit('transit engine get key call was successful but keys are missing');
    const latest = (keys as Record<string, unknown>)[String(data.latest_version)];
    if (!latest || typeof latest !== 'object') throw E.transit(`unable to find key with version ${data.latest_version} in key map`);
    return { name, type: data.type, latest: latest as Record<string, unknown> };
  }
}
