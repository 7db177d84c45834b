import { createHash, randomBytes } from 'node:crypto';

/** A login link just issued. */
export interface IssuedLink {
  /** The secret part, base64url (256 random bits). */
  token: string;
  /** `<base>/login?token=<token>`. */
  url: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * One-time login links to the console. Only a digest of each token is kept; a token is redeemed
 * at most once, and not after `ttlMs`. `now` is injectable for tests. In memory: a restart voids
 * every link.
 */
export class LoginLinks {
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    /** The base URL of links, no trailing slash; may be set later (once the port is known). */
    public baseUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a new link. */
  issue(): IssuedLink {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.pending.set(digest(token), expiresAt);
    return { token, url: `${this.baseUrl}/login?token=${token}`, expiresAt };
  }

  /** True (once) when the token was issued, is unused and unexpired; it is then used up. */
  redeem(token: string): boolean {
    const key = digest(token);
    const expiresAt = this.pending.get(key);
    if (expiresAt === undefined) return false;
    this.pending.delete(key);
    return this.now() < expiresAt;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, exp] of this.pending) if (now >= exp) this.pending.delete(k);
  }
}
