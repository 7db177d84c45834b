/**
 * Logging in with each of SPIRE's four methods. Token auth checks the token with lookup-self;
 * cert, AppRole and Kubernetes auth write to `auth/<mount>/login`. Each gives the token and its
 * lease. Errors carry SPIRE's codes and messages; no error or log line ever holds a secret.
 */
import { readFile } from 'node:fs/promises';
import type { VaultAuth } from './config.js';
import { VaultErrors } from './errors.js';
import type { VaultBody, VaultTransport } from './transport.js';

/** A token and what Vault said of its lifetime. */
export interface Login {
  token: string;
  /** Seconds; 0: the token never expires. */
  leaseDuration: number;
  renewable: boolean;
}

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Logs in with `auth` over `transport` (which presents no token). */
export async function login(auth: VaultAuth, transport: VaultTransport): Promise<Login> {
  if (auth.method === 'token') return lookupSelf(auth.token, transport);
  let path: string;
  let body: VaultBody;
  if (auth.method === 'cert') {
    path = `auth/${auth.mount}/login`;
    body = { name: auth.roleName };
  } else if (auth.method === 'approle') {
    path = `auth/${auth.mount}/login`;
    body = { role_id: auth.roleId, secret_id: auth.secretId };
  } else {
    let jwt: string;
    try {
      jwt = await readFile(auth.tokenPath, 'utf8');
    } catch (e) {
      throw VaultErrors.readK8sToken(e);
    }
    path = `auth/${auth.mount}/login`;
    body = { role: auth.roleName, jwt };
  }
  let res: VaultBody;
  try {
    res = await transport.call('PUT', path, body);
  } catch (e) {
    throw VaultErrors.authFailed(path, detail(e), e);
  }
  const a = res.auth as { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } | null | undefined;
  if (!a || typeof a.client_token !== 'string' || a.client_token === '') throw VaultErrors.noToken('response does not contain a token');
  return { token: a.client_token, leaseDuration: typeof a.lease_duration === 'number' ? a.lease_duration : 0, renewable: a.renewable === true };
}

async function lookupSelf(token: string, transport: VaultTransport): Promise<Login> {
  if (token === '') throw VaultErrors.tokenEmpty();
  let res: VaultBody;
  try {
    res = await transport.withToken(token).call('GET', 'auth/token/lookup-self');
  } catch (e) {
    throw VaultErrors.tokenLookup(detail(e), e);
  }
  const d = (res.data ?? {}) as { id?: unknown; ttl?: unknown; renewable?: unknown };
  if (typeof d.id !== 'string' || d.id === '') throw VaultErrors.tokenLookup('unable to get TokenID');
  return { token: d.id, leaseDuration: typeof d.ttl === 'number' ? d.ttl : 0, renewable: d.renewable === true };
}

/** Renews the token presented by `authed`; resolves the new lease (seconds) and renewability. */
export async function renewSelf(authed: VaultTransport, increment: number): Promise<{ leaseDuration: number; renewable: boolean }> {
  const res = await authed.call('PUT', 'auth/token/renew-self', { increment });
  const a = (res.auth ?? {}) as { lease_duration?: unknown; renewable?: unknown };
  return { leaseDuration: typeof a.lease_duration === 'number' ? a.lease_duration : 0, renewable: a.renewable === true };
}
