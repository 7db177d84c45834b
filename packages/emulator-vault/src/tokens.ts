/**
 * Vault's token store, as far as SPIRE uses it: tokens with a TTL, a max TTL and a renewable
 * flag, scoped to a namespace. An unknown or expired token, or one used in another namespace, is
 * refused as Vault refuses it: 403 `permission denied`.
 */
import { randomBytes } from 'node:crypto';
import { HttpError } from '@spire-ts/emulator-kit';

/** How long a token lives. Seconds; a ttl of 0 is a token that never expires (a root token). */
export interface Lease {
  ttl: number;
  /** The most the token may live counting renewals; 0: no limit beyond the ttl rules. */
  maxTtl?: number;
  renewable?: boolean;
}

/** One token. */
export interface Token {
  id: string;
  accessor: string;
  policies: string[];
  namespace: string;
  renewable: boolean;
  /** The TTL it was created (or last renewed) with, seconds. */
  ttl: number;
  createdAt: number;
  /** Epoch ms; undefined: never. */
  expiresAt?: number;
  /** Epoch ms past which no renewal reaches; undefined: none. */
  maxExpiresAt?: number;
  /** Where it came from (`token`, `cert`, `approle`, `kubernetes`). */
  origin: string;
  renewals: number;
}

/** The error Vault answers a request with a bad token. */
export const permissionDenied = () => new HttpError(403, { errors: ['permission denied'] });

/** The tokens, with a clock a test may move. */
export class TokenStore {
  private readonly tokens = new Map<string, Token>();
  /** The clock (epoch ms); tests may replace it. */
  now: () => number = Date.now;

  /** Makes a token. */
  issue(o: Lease & { policies?: string[]; namespace?: string; origin: string }): Token {
    const now = this.now();
    const t: Token = {
      id: `hvs.${randomBytes(18).toString('base64url')}`,
      accessor: randomBytes(12).toString('hex'),
      policies: o.policies ?? ['default'],
      namespace: o.namespace ?? '',
      renewable: o.ttl > 0 && (o.renewable ?? true),
      ttl: o.ttl,
      createdAt: now,
      ...(o.ttl > 0 ? { expiresAt: now + o.ttl * 1000 } : {}),
      ...(o.maxTtl ? { maxExpiresAt: now + o.maxTtl * 1000 } : {}),
      origin: o.origin,
      renewals: 0,
    };
    this.tokens.set(t.id, t);
    return t;
  }

  /** Every token issued, oldest first. */
  all(): Token[] {
    return [...this.tokens.values()];
  }

  /** Seconds the token has left (0 for a token that never expires). */
  remaining(t: Token): number {
    return t.expiresAt === undefined ? 0 : Math.max(0, Math.round((t.expiresAt - this.now()) / 1000));
  }

  /** The live token a request carries in `namespace`; throws 403 otherwise. */
  check(id: string | undefined, namespace: string): Token {
    const t = id ? this.tokens.get(id) : undefined;
    if (!t || t.namespace !== namespace) throw permissionDenied();
    if (t.expiresAt !== undefined && t.expiresAt <= this.now()) {
      this.tokens.delete(t.id);
      throw permissionDenied();
    }
    return t;
  }

  /** Revokes a token at once (a test's way to make a token go bad). */
  revoke(id: string): void {
    this.tokens.delete(id);
  }

  /**
   * Renews as Vault does: the new TTL is the increment (or the token's TTL), capped by what the
   * max TTL leaves; throws 400 for a token that is not renewable.
   */
  renew(t: Token, increment: number | undefined): { leaseDuration: number; warnings: string[] } {
    if (!t.renewable) throw new HttpError(400, { errors: ['lease is not renewable'] });
    const now = this.now();
    let ttl = increment && increment > 0 ? increment : t.ttl;
    const warnings: string[] = [];
    if (t.maxExpiresAt !== undefined) {
      const left = Math.max(0, Math.floor((t.maxExpiresAt - now) / 1000));
      if (ttl > left) {
        warnings.push(`TTL of "${ttl}s" exceeded the effective max_ttl of "${left}s"; TTL value is capped accordingly`);
        ttl = left;
      }
    }
    t.expiresAt = now + ttl * 1000;
    t.renewals++;
    return { leaseDuration: ttl, warnings };
  }
}
