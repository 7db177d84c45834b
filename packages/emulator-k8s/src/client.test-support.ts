/**
 * Test setup shared by the emulator's tests: a started emulator and the real
 * @kubernetes/client-node configured from the kubeconfig it wrote.
 */
import { request } from 'node:https';
import { after, before } from 'node:test';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { KubeEmulator } from './emulator.js';

/** Starts one emulator for the calling test file and closes it after. */
export function useEmulator(): { readonly k: KubeEmulator; readonly kc: KubeConfig } {
  const ctx = {} as { k: KubeEmulator; kc: KubeConfig };
  before(async () => {
    ctx.k = await KubeEmulator.start();
    ctx.kc = new KubeConfig();
    ctx.kc.loadFromFile(ctx.k.kubeconfigPath);
  });
  after(async () => {
    await ctx.k.close();
  });
  return ctx;
}

/** A KubeConfig loaded from a file. */
export function kubeConfigFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** The HTTP code and the Status body of a rejected client call. */
export async function rejection(p: Promise<unknown>): Promise<{ code: number; status: { reason?: string; message?: string; code?: number } }> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const e = err as ApiException<unknown>;
    // The generated client drops the body of a 401.
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as object) : ((e.body ?? {}) as object);
    return { code: e.code, status: body };
  }
  throw new Error('expected the call to be rejected');
}

/** A raw HTTPS request to the emulator (trusting its CA); the status code and parsed JSON body. */
export function raw(k: KubeEmulator, path: string, headers: Record<string, string> = {}): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${k.url}${path}`, { ca: k.caPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}
