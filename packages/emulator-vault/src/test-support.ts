/** Test support (not shipped behaviour): one HTTPS call to the emulator, as a Vault client makes it. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { VaultEmulator } from './emulator.js';

/** A reply: status and JSON body (undefined when empty). */
export interface Reply {
  status: number;
  json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls `path` (`/v1/...`) with an optional token, namespace, JSON body and client certificate. */
export function call(emu: VaultEmulator, method: string, path: string, o: { token?: string; ns?: string; body?: unknown; cert?: { certPem: string; keyPem: string } } = {}): Promise<Reply> {
  const url = new URL(path, emu.url);
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(emu.caCertPath),
        ...(o.cert ? { cert: o.cert.certPem, key: o.cert.keyPem } : {}),
        headers: { ...(o.token ? { 'X-Vault-Token': o.token } : {}), ...(o.ns ? { 'X-Vault-Namespace': o.ns } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
