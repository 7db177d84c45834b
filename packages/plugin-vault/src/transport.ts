/**
 * The one place the Vault plugins call Vault: node-vault's request function, with the TLS
 * settings SPIRE's client has (a CA file, insecure_skip_verify, a client certificate for cert
 * auth), the namespace header, `X-Vault-Request`, a token when one is given, a time bound on
 * every call, and Go's Vault client's retries (VAULT_MAX_RETRIES, default 2, of a call that got
 * no answer or a 412, 429 or 5xx but 501; the n-th retry after n × 1–1.5 s). node-vault's own
 * environment defaults (VAULT_TOKEN, VAULT_SKIP_VERIFY …) are not used: the plugins settle every
 * value in their configuration, and its debug output (which would print request bodies, secrets
 * included) is switched off.
 */
import vault from 'node-vault';
import { VaultApiError } from './api-error.js';

/** The default bound of one Vault call. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** Go's Vault client's wait between tries: the n-th retry waits n times a draw between these. */
export const RETRY_WAIT_MIN_MS = 1000;
export const RETRY_WAIT_MAX_MS = 1500;

/**
 * Whether Go's Vault client sends a call again after this failure (its DefaultRetryPolicy): no
 * answer (a refused or reset connection; but not a timeout, so that the call's bound holds), 412
 * (a replica not yet consistent), 429, and 5xx except 501.
 */
export function retryable(e: VaultApiError): boolean {
  if (e.status === 0) return !/timeout|ETIMEDOUT|certificate|self.signed|CERT_|SSL|TLS/i.test(e.transport ?? '');
  return e.status === 412 || e.status === 429 || (e.status >= 500 && e.status !== 501);
}

/** How to reach Vault. */
export interface TransportOptions {
  vaultAddr: string;
  namespace: string;
  /** PEM CA certificates to verify Vault with; undefined: the system roots. */
  ca?: string;
  insecureSkipVerify: boolean;
  /** A client certificate and key (PEM), for cert auth. */
  clientCert?: { cert: string; key: string };
  timeoutMs: number;
  /** Retries of a retryable failure ({@link retryable}); 0: none. */
  maxRetries: number;
  /** How a retry waits (a test seam; default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
}

/** A JSON object Vault answered. */
export type VaultBody = Record<string, unknown>;

/** Vault over HTTP(S), with or without a token. */
export interface VaultTransport {
  /** Calls `/v1/<path>`; resolves the JSON body ({} when empty); throws {@link VaultApiError}. */
  call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: VaultBody): Promise<VaultBody>;
  /** The same transport presenting `token`. */
  withToken(token: string): VaultTransport;
}

/** Builds a transport with node-vault. */
export function nodeVaultTransport(o: TransportOptions, token = ''): VaultTransport {
  const client = vault({
    endpoint: o.vaultAddr,
    apiVersion: 'v1',
    noCustomHTTPVerbs: true,
    debug: () => undefined,
    // A kept-alive agent: without it every call (one Transit sign per SVID) opens a new TLS connection.
    requestOptions: { ...(o.ca ? { ca: o.ca } : {}), ...(o.clientCert ? { cert: o.clientCert.cert, key: o.clientCert.key } : {}), strictSSL: !o.insecureSkipVerify, agentOptions: { keepAlive: true } },
    ...({ rpDefaults: { strictSSL: !o.insecureSkipVerify } } as object),
  });
  // node-vault falls back to VAULT_TOKEN and VAULT_NAMESPACE; the configuration has decided both.
  client.token = token;
  (client as unknown as { namespace: string }).namespace = o.namespace;
  const base = o.vaultAddr.replace(/\/$/, '');
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const once = async (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: VaultBody): Promise<VaultBody> => {
    const url = `${base}/v1/${path}`;
    try {
      const res: unknown = await client.request({ path: `/${path}`, method, headers: { 'X-Vault-Request': 'true' }, timeout: o.timeoutMs, ...(body ? { json: body } : {}) });
      return res && typeof res === 'object' ? (res as VaultBody) : {};
    } catch (e) {
      const r = (e as { response?: { statusCode?: number; body?: { errors?: unknown } } }).response;
      if (r && typeof r.statusCode === 'number') {
        const errs = Array.isArray(r.body?.errors) ? r.body.errors.map(String) : [];
        throw new VaultApiError(method, url, r.statusCode, errs);
      }
      throw new VaultApiError(method, url, 0, [], (e as Error).message);
    }
  };
  return {
    async call(method, path, body) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(method, path, body);
        } catch (e) {
          if (!(e instanceof VaultApiError) || attempt > o.maxRetries || !retryable(e)) throw e;
          await sleep(attempt * (RETRY_WAIT_MIN_MS + Math.random() * (RETRY_WAIT_MAX_MS - RETRY_WAIT_MIN_MS)));
        }
      }
    },
    withToken: (t) => nodeVaultTransport(o, t),
  };
}
