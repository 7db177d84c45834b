import { SerialQueue } from '@spire-ts/core/plugin';

/** How many refreshes a cache miss may force before the list's TTL runs out (SPIRE's 5). */
export const MISS_REFRESH_BUDGET = 5;

/**
 * A list of members (organization accounts, EKS nodes) fetched from AWS and trusted for a TTL, as
 * SPIRE keeps them: a stale list is reloaded before a lookup; a miss on a list that was not just
 * reloaded forces a refresh, at most {@link MISS_REFRESH_BUDGET} times per TTL (the budget comes
 * back with each TTL reload). Loads never overlap. A failed load leaves the list as it was and
 * rejects the lookup (fail closed).
 */
export class MembershipCache {
  private members = new Set<string>();
  /** Epoch ms after which the list is stale; 0 = never loaded. */
  private validUntil = 0;
  private budget = MISS_REFRESH_BUDGET;
  private readonly lock = new SerialQueue();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    /** True when an empty list counts as stale (SPIRE's EKS node list), false for never loaded only. */
    private readonly staleWhenEmpty: boolean,
  ) {}

  private stale(): boolean {
    if (this.validUntil === 0 || (this.staleWhenEmpty && this.members.size === 0)) return true;
    return this.now() > this.validUntil;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  private reload(load: () => Promise<Set<string>>, onMiss: boolean): Promise<Set<string>> {
    return this.serialized(async () => {
      // Another lookup may have reloaded (or spent the budget) while this one waited.
      if (!onMiss && !this.stale()) return this.members;
      if (onMiss && this.budget === 0) return this.members;
      const fresh = await load();
      if (!onMiss) {
        this.validUntil = this.now() + this.ttlMs;
        this.budget = MISS_REFRESH_BUDGET;
      }
      this.members = fresh;
      return fresh;
    });
  }

  /** True when `id` is a member. Rejects with the load's error when a needed load fails. */
  async has(id: string, load: () => Promise<Set<string>>): Promise<boolean> {
    let reloaded = false;
    if (this.stale()) {
      await this.reload(load, false);
      reloaded = true;
    }
    if (this.members.has(id) || reloaded) return this.members.has(id);
    if (this.budget <= 0) return false;
    const fresh = await this.reload(load, true);
    if (this.budget > 0) this.budget--;
    return fresh.has(id);
  }
}
