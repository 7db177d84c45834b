import type { JWK } from 'jose';
import { openIdConfigurationUrl, untilAborted } from '@spire-ts/plugin-azure';

/** A JSON Web Key Set as an issuer publishes it. */
export interface KeySet {
  keys: JWK[];
}

/** SPIRE refreshes Microsoft's signing keys hourly. */
export const KEY_SET_REFRESH_MS = 60 * 60 * 1000;

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await untilAborted(fetch(url, { signal, headers: { accept: 'application/json' } }), signal);
  if (!res.ok) {
    const err = new Error(`unexpected status code ${res.status} from ${url}`) as Error & { statusCode: number };
    err.statusCode = res.status;
    throw err;
  }
  return untilAborted(res.json() as Promise<unknown>, signal);
}

/**
 * The signing keys of an OIDC issuer (discovery document → `jwks_uri` → JWKS), fetched on first
 * use and again once they are older than the refresh interval. A refresh that fails keeps the keys
 * already held (the failure is only reported when there are none). No HTTP client of the Azure SDK
 * covers OIDC discovery, so this is plain `fetch`, bounded by the caller's signal.
 */
export class CachingKeySet {
  private current?: { keys: KeySet; fetchedAt: number };

  constructor(
    private readonly issuer: string,
    private readonly now: () => number = Date.now,
    private readonly refreshMs = KEY_SET_REFRESH_MS,
  ) {}

  /** The key set; throws only when none could ever be fetched. */
  async get(signal: AbortSignal): Promise<KeySet> {
    const cur = this.current;
    if (cur && this.now() - cur.fetchedAt < this.refreshMs) return cur.keys;
    try {
      const keys = await this.fetch(signal);
      this.current = { keys, fetchedAt: this.now() };
      return keys;
    } catch (e) {
      if (cur) return cur.keys;
      throw e;
    }
  }

  private async fetch(signal: AbortSignal): Promise<KeySet> {
    const doc = (await getJson(openIdConfigurationUrl(this.issuer), signal)) as { jwks_uri?: unknown };
    if (typeof doc?.jwks_uri !== 'string' || doc.jwks_uri === '') throw new Error('discovery document has no jwks_uri');
    const set = (await getJson(doc.jwks_uri, signal)) as { keys?: unknown };
    if (!Array.isArray(set?.keys)) throw new Error('JWKS has no keys');
    return { keys: set.keys as JWK[] };
  }
}
