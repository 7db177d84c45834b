import { X509Certificate, type KeyObject } from 'node:crypto';
import { testEndpoint } from '@spire-ts/plugin-gcp';

/** Google's public certificates of its identity-token keys, as SPIRE reads them. */
export const GOOGLE_CERT_URL = 'https://www.googleapis.com/oauth2/v1/certs';

/**
 * The certificate URL: Google's, or `<SPIRE_TEST_GCP_ENDPOINT>/oauth2/v1/certs` when the
 * test-only endpoint variable is set (SPIRE hard-codes Google's URL).
 */
export function certUrl(env: NodeJS.ProcessEnv = process.env): string {
  const base = testEndpoint(env);
  return base ? `${base}/oauth2/v1/certs` : GOOGLE_CERT_URL;
}

/** How the keys are fetched: a GET of the URL under an abort signal. */
export type CertFetch = (url: string, signal: AbortSignal) => Promise<Response>;

/**
 * The token-signing keys by key ID, fetched from Google's certificate endpoint (`{kid: PEM}`) and
 * kept until the answer's HTTP `Expires` date, as SPIRE does; without a readable `Expires` they
 * are fetched again for every attestation. google-auth-library's certificate cache keys on
 * `Cache-Control` instead, so the plain GET is done here.
 */
export class GoogleCertKeys {
  private keys = new Map<string, KeyObject>();
  private expiry = 0;
  private inflight?: Promise<Map<string, KeyObject>>;

  constructor(
    private readonly url: string,
    private readonly now: () => number = Date.now,
    private readonly doFetch: CertFetch = (u, signal) => fetch(u, { signal }),
  ) {}

  /**
   * The current keys. Throws (with the cause) when the endpoint cannot be reached, answers other
   * than 200, or sends something that is not a map of PEM certificates; the previous keys are
   * then kept but not used.
   */
  async get(signal: AbortSignal): Promise<Map<string, KeyObject>> {
    if (this.expiry !== 0 && this.now() <= this.expiry) return this.keys;
    // Attestations arriving together share one download.
    this.inflight ??= this.download(signal).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async download(signal: AbortSignal): Promise<Map<string, KeyObject>> {
    const res = await this.doFetch(this.url, signal);
    if (res.status !== 200) {
      await res.body?.cancel();
      throw Object.assign(new Error(`unexpected status code: ${res.status}`), { status: res.status });
    }
    let data: unknown;
    try {
      data = await res.json();
    } catch (e) {
      throw new Error(`unable to unmarshal certificate response: ${(e as Error).message}`, { cause: e });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('unable to unmarshal certificate response: not a JSON object');
    const keys = new Map<string, KeyObject>();
    for (const [kid, pem] of Object.entries(data as Record<string, unknown>)) {
      if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('unable to unmarshal certificate response: malformed PEM block');
      try {
        keys.set(kid, new X509Certificate(pem).publicKey);
      } catch {
        throw new Error('unable to unmarshal certificate response: malformed certificate PEM');
      }
    }
    const expires = Date.parse(res.headers.get('expires') ?? '');
    this.expiry = Number.isNaN(expires) ? 0 : expires;
    this.keys = keys;
    return keys;
  }
}
