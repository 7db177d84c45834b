import type { RateLimitConfig } from '../config/types.js';
import { Code, SpireError } from '../errors.js';

/** Limits per IP, as SPIRE: one attestation per second, 500 signings per second. */
export const ATTEST_LIMIT_PER_IP = 1;
export const SIGN_LIMIT_PER_IP = 500;
export const PUSH_KEY_LIMIT_PER_IP = 500;
export const POST_STATUS_LIMIT_PER_IP = 10;

/** A token bucket refilled at `limit` per second with a burst of `limit` (Go's rate.Limiter). */
class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly limit: number,
    now: number,
  ) {
    this.tokens = limit;
    this.last = now;
  }
  /** Takes n tokens and returns how long (ms) the caller must wait before going on. */
  reserve(n: number, now: number): number {
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) / 1000) * this.limit);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.limit) * 1000;
  }
  idle(now: number): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.limit >= this.limit;
  }
}

/**
 * A per-IP rate limiter: a call of `count` items waits until the IP's bucket allows it (as Go's
 * WaitN), and a count above the burst is refused at once with RESOURCE_EXHAUSTED
 * "rate (N) exceeds burst size (B)". Calls from the admin socket (no IP) are not limited.
 */
export class PerIpLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the call may proceed; rejects with RESOURCE_EXHAUSTED when count > limit. */
  async wait(ip: string, count: number): Promise<void> {
    if (ip === '' || count <= 0) return;
    if (count > this.limit) throw new SpireError(Code.RESOURCE_EXHAUSTED, `rate (${count}) exceeds burst size (${this.limit})`);
    const delay = this.reserve(ip, count);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }

  /**
   * Takes `count` tokens from the IP's bucket and returns how many milliseconds the caller must
   * wait before proceeding (0 when within the rate). Throws like `wait` for count > limit.
   */
  reserve(ip: string, count: number): number {
    if (count > this.limit) throw new SpireError(Code.RESOURCE_EXHAUSTED, `rate (${count}) exceeds burst size (${this.limit})`);
    const t = this.now();
    if (this.buckets.size > 10_000) this.sweep(t);
    let b = this.buckets.get(ip);
    if (!b) {
      b = new Bucket(this.limit, t);
      this.buckets.set(ip, b);
    }
    return b.reserve(count, t);
  }

  private sweep(t: number): void {
    for (const [ip, b] of this.buckets) if (b.idle(t)) this.buckets.delete(ip);
  }
}

/** How many items a request asks to sign (BatchNewX509SVID counts its params). */
export type CountFn = (req: unknown) => number;

/** The rate-limited methods, their limiter and how to count a request. Others are not limited. */
export function rateLimits(cfg: RateLimitConfig): Map<string, { limiter: PerIpLimiter; count: CountFn }> {
  const one: CountFn = () => 1;
  const m = new Map<string, { limiter: PerIpLimiter; count: CountFn }>();
  if (cfg.attestation) m.set('/spire.api.server.agent.v1.Agent/AttestAgent', { limiter: new PerIpLimiter(ATTEST_LIMIT_PER_IP), count: one });
  if (cfg.signing) {
    const csr = new PerIpLimiter(SIGN_LIMIT_PER_IP);
    m.set('/spire.api.server.svid.v1.SVID/BatchNewX509SVID', {
      limiter: csr,
      count: (r) => ((r as { params?: unknown[] }).params ?? []).length,
    });
    m.set('/spire.api.server.svid.v1.SVID/NewDownstreamX509CA', { limiter: csr, count: one });
    m.set('/spire.api.server.agent.v1.Agent/RenewAgent', { limiter: csr, count: one });
    m.set('/spire.api.server.svid.v1.SVID/NewJWTSVID', { limiter: new PerIpLimiter(SIGN_LIMIT_PER_IP), count: one });
  }
  m.set('/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority', { limiter: new PerIpLimiter(PUSH_KEY_LIMIT_PER_IP), count: one });
  m.set('/spire.api.server.agent.v1.Agent/PostStatus', { limiter: new PerIpLimiter(POST_STATUS_LIMIT_PER_IP), count: one });
  return m;
}
