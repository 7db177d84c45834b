import { generateKeyPairSync } from 'node:crypto';
import type { KeyType } from '@spire-ts/core/plugin';
import type { VaultClient, VaultKeyInfo, VaultKeyProperties } from './vault-client.js';

type Method = keyof VaultClient;

/**
 * An in-memory vault for unit tests: `keys` by name, `calls` in order, and `failNext[method]`
 * makes the next call of that method throw the error. Signing is not emulated (use the Azure
 * emulator for signatures).
 */
export class FakeVault implements VaultClient {
  readonly keys = new Map<string, VaultKeyInfo>();
  readonly calls: string[] = [];
  readonly failNext: Partial<Record<Method, unknown>> = {};

  private check(method: Method, arg: string): void {
    this.calls.push(`${method} ${arg}`);
    const err = this.failNext[method];
    if (err !== undefined) {
      delete this.failNext[method];
      throw err;
    }
  }

  async createKey(name: string, keyType: KeyType, tags: Record<string, string>): Promise<VaultKeyInfo> {
    this.check('createKey', name);
    const jwk = generateKeyPairSync('ec', { namedCurve: keyType === 'ec-p384' ? 'P-384' : 'P-256' }).publicKey.export({ format: 'jwk' });
    const info: VaultKeyInfo = {
      name,
      kid: `https://fake.vault.azure.net/keys/${name}/v1`,
      version: 'v1',
      tags,
      updatedOn: new Date(),
      enabled: true,
      jwk: { kty: 'EC', crv: jwk.crv, x: Buffer.from(jwk.x!, 'base64url'), y: Buffer.from(jwk.y!, 'base64url') },
    };
    this.keys.set(name, info);
    return info;
  }

  async getKey(name: string): Promise<VaultKeyInfo> {
    this.check('getKey', name);
    const k = this.keys.get(name);
    if (!k) throw Object.assign(new Error(`A key with (name/id) ${name} was not found in this key vault.`), { code: 'KeyNotFound', statusCode: 404 });
    return k;
  }

  async touchKey(name: string): Promise<void> {
    this.check('touchKey', name);
  }

  async *listKeys(): AsyncIterable<VaultKeyProperties> {
    this.check('listKeys', '');
    yield* [...this.keys.values()];
  }

  async sign(kid: string): Promise<Uint8Array> {
    this.check('sign', kid);
    throw new Error('FakeVault does not sign');
  }

  async deleteKey(name: string): Promise<void> {
    this.check('deleteKey', name);
    this.keys.delete(name);
  }
}
