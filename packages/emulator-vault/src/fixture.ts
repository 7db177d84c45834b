/**
 * A ready emulator for the Vault plugins' tests: one role per auth method (with the lease asked
 * for), a token, the credential files a plugin reads (client certificate and key, Kubernetes
 * service account token) in a temporary directory, and the plugin_data of each method.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultEmulator, type VaultEmulatorOptions } from './emulator.js';
import type { Lease } from './tokens.js';

/** The auth methods, as the plugins' blocks name them. */
export type AuthBlock = 'token_auth' | 'cert_auth' | 'approle_auth' | 'k8s_auth';

/** The fixture. */
export interface VaultFixture {
  emu: VaultEmulator;
  dir: string;
  token: string;
  roleId: string;
  secretId: string;
  k8sJwt: string;
  /** Every secret the fixture handed out (to check that no log holds one). */
  secrets(): string[];
  /** plugin_data for `method` (ca_cert_path set), merged with `extra`. */
  pluginData(method: AuthBlock, extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts an emulator with roles whose tokens get `lease` (default: 1 h, renewable). */
export async function startVaultFixture(o: { lease?: Lease; namespace?: string } & VaultEmulatorOptions = {}): Promise<VaultFixture> {
  const emu = await VaultEmulator.start(o);
  const lease = o.lease ?? { ttl: 3600 };
  const ns = o.namespace ?? '';
  const dir = await mkdtemp(join(tmpdir(), 'vault-fixture-'));
  const token = emu.createToken(lease, ns);
  const roleId = 'spire-server-role';
  const secretId = `secret-${Math.random().toString(36).slice(2)}`;
  emu.auth.addAppRole(roleId, { ...lease, secretIds: [secretId] }, { namespace: ns });
  const k8sJwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:spire:spire-server' })).toString('base64url')}.sig${Math.random().toString(36).slice(2)}`;
  emu.auth.addK8sRole('spire-server', { ...lease, jwts: [k8sJwt] }, { namespace: ns });
  const id = await emu.certAuthIdentity('spire-server', lease, { namespace: ns });
  await writeFile(join(dir, 'client.pem'), id.certPem);
  await writeFile(join(dir, 'client-key.pem'), id.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'sa-token'), k8sJwt, { mode: 0o600 });
  const blocks: Record<AuthBlock, Record<string, unknown>> = {
    token_auth: { token },
    approle_auth: { approle_id: roleId, approle_secret_id: secretId },
    k8s_auth: { k8s_auth_role_name: 'spire-server', token_path: join(dir, 'sa-token') },
    cert_auth: { cert_auth_role_name: 'spire-server', client_cert_path: join(dir, 'client.pem'), client_key_path: join(dir, 'client-key.pem') },
  };
  return {
    emu,
    dir,
    token,
    roleId,
    secretId,
    k8sJwt,
    secrets: () => [token, secretId, k8sJwt, id.keyPem.split('\n')[1]!, ...emu.tokens.all().map((t) => t.id)],
    pluginData: (method, extra = {}) => ({ vault_addr: emu.url, ca_cert_path: emu.caCertPath, ...(ns ? { namespace: ns } : {}), [method]: blocks[method], ...extra }),
    close: async () => {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
