import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Agent } from 'node:https';
import type { Client } from 'acme-client';
import { Code, errorCode } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { HashAlgorithm, KeyManager, PublicKey } from '../../plugins/keymanager/contract.js';
import { AcmeErrors } from './errors.js';

/** The prefix of every KeyManager key (and key file) of the ACME identity, as SPIRE's. */
export const ACME_KEY_PREFIX = 'bundle-acme-';
/** The KeyManager ID of the ACME account key, as SPIRE names it. */
export const ACCOUNT_KEY_ID = `${ACME_KEY_PREFIX}acme_account+key`;

/** The name SPIRE gives the key of the certificate for `domain`. */
export function certKeyId(domain: string): string {
  return `${ACME_KEY_PREFIX}${domain}`;
}

/** The ACME account key, held by the KeyManager: its JWK and a JWS signer over it. */
export interface AccountKey {
  /** The public JWK, members sorted, as acme-client builds it (RFC 7638 thumbprints rely on it). */
  jwk: JsonWebKey;
  /** The JWS `alg` of this key. */
  alg: 'ES256' | 'ES384' | 'RS256';
  /** The JWS signature (base64url) of the signing input `protected.payload`. */
  sign(signingInput: string): Promise<string>;
}

const ALGS: Record<PublicKey['type'], { alg: AccountKey['alg']; hash: HashAlgorithm; node: string; size: number }> = {
  'ec-p256': { alg: 'ES256', hash: 'SHA256', node: 'sha256', size: 32 },
  'ec-p384': { alg: 'ES384', hash: 'SHA384', node: 'sha384', size: 48 },
  'rsa-2048': { alg: 'RS256', hash: 'SHA256', node: 'sha256', size: 0 },
  'rsa-4096': { alg: 'RS256', hash: 'SHA256', node: 'sha256', size: 0 },
};

/** ASN.1 DER ECDSA-Sig-Value to the fixed-size r||s form JWS wants (RFC 7518 3.4). */
function derToJose(der: Uint8Array, size: number): Buffer {
  const b = Buffer.from(der);
  let off = 2;
  if (b[1]! & 0x80) off = 2 + (b[1]! & 0x7f);
  const ints: Buffer[] = [];
  for (let i = 0; i < 2; i++) {
    if (b[off] !== 0x02) throw new Error('malformed ECDSA signature');
    const len = b[off + 1]!;
    let v = b.subarray(off + 2, off + 2 + len);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    const fixed = Buffer.alloc(size);
    v.copy(fixed, size - v.length);
    ints.push(fixed);
    off += 2 + len;
  }
  return Buffer.concat(ints);
}

/**
 * The account key `bundle-acme-acme_account+key` from the KeyManager, generated (EC P-256, as
 * SPIRE) on first use and logged as `Generated new key` with its `id`. Signing goes through
 * `KeyManager.signData`; the private key never leaves the KeyManager.
 */
export async function loadAccountKey(km: KeyManager, log: Logger): Promise<AccountKey> {
  let pub: PublicKey;
  try {
    pub = await km.getPublicKey(ACCOUNT_KEY_ID);
  } catch (err) {
    if (errorCode(err) !== Code.NOT_FOUND) throw err;
    pub = await km.generateKey(ACCOUNT_KEY_ID, 'ec-p256');
    log.info({ id: ACCOUNT_KEY_ID }, 'Generated new key');
  }
  const raw = createPublicKey({ key: Buffer.from(pub.pkixData), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const jwk = Object.fromEntries(Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as JsonWebKey;
  const a = ALGS[pub.type];
  return {
    jwk,
    alg: a.alg,
    async sign(signingInput) {
      const digest = createHash(a.node).update(signingInput, 'utf8').digest();
      const { signature } = await km.signData(ACCOUNT_KEY_ID, digest, { hashAlgorithm: a.hash });
      return (a.size ? derToJose(signature, a.size) : Buffer.from(signature)).toString('base64url');
    },
  };
}

/** The parts of acme-client's HTTP client the KeyManager-held key replaces (acme-client 5.4). */
interface HttpInternals {
  getJwk(): JsonWebKey;
  getNonce(): Promise<string>;
  prepareSignedBody(alg: string, url: string, payload: unknown, o: { nonce: string | null; kid: string | null }): { protected: string; payload: string; signature?: string };
  request(url: string, method: string, opts?: { headers?: Record<string, string>; httpsAgent?: Agent; data?: unknown }): Promise<{ status: number; data?: { type?: string }; headers: Record<string, string | undefined> }>;
  signedRequest(url: string, payload: unknown, o?: { kid?: string | null; nonce?: string | null }, attempts?: number): Promise<unknown>;
}

const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';
const MAX_BAD_NONCE_RETRIES = 5;

/**
 * Makes `client` sign its JWS requests with the KeyManager-held `key` instead of a PEM private
 * key, send `userAgent`, and use `agent` (when given) for HTTPS. acme-client takes only a PEM
 * account key, so this replaces methods of its HTTP client (checked to exist: acme-client is
 * pinned to 5.4.x). Retries a rejected nonce up to five times, as acme-client does.
 *
 * @throws AcmeErrors.unsupportedClient when the installed acme-client lacks those methods.
 */
export function useAccountKey(client: Client, key: AccountKey, userAgent: string, agent?: Agent): void {
  const http = (client as unknown as { http?: Partial<HttpInternals> }).http;
  for (const m of ['getJwk', 'getNonce', 'prepareSignedBody', 'request', 'signedRequest'] as const) {
    if (typeof http?.[m] !== 'function') throw AcmeErrors.unsupportedClient(`HttpClient.${m} is missing`);
  }
  const h = http as HttpInternals;
  const request = h.request.bind(h);
  h.request = (url, method, opts = {}) =>
    request(url, method, { ...opts, headers: { ...opts.headers, 'User-Agent': userAgent }, ...(agent ? { httpsAgent: agent } : {}) });
  h.getJwk = () => key.jwk;
  const signed = async (url: string, payload: unknown, o: { kid?: string | null; nonce?: string | null } = {}, attempts = 0): Promise<unknown> => {
    const nonce = o.nonce ?? (await h.getNonce());
    const body = h.prepareSignedBody(key.alg, url, payload, { nonce, kid: o.kid ?? null });
    body.signature = await key.sign(`${body.protected}.${body.payload}`);
    const resp = await h.request(url, 'post', { data: body });
    if (resp.status === 400 && resp.data?.type === BAD_NONCE && attempts < MAX_BAD_NONCE_RETRIES) {
      return signed(url, payload, { kid: o.kid ?? null, nonce: resp.headers['replay-nonce'] ?? null }, attempts + 1);
    }
    return resp;
  };
  h.signedRequest = signed;
}
