import type { JoinTokenStore } from '@spire-ts/core/plugin';

/**
 * An in-memory join token store for tests. `consumeJoinToken` yields to the event loop before it
 * deletes, so concurrent callers really interleave; the delete itself is one synchronous step, as
 * a DataStore's `DELETE ... RETURNING` is one statement.
 */
export class FakeJoinTokenStore implements JoinTokenStore {
  private readonly tokens = new Map<string, number>();
  /** When set, every call fails with this error. */
  failWith: Error | undefined;

  /** Adds a token with its expiry in Unix seconds. */
  add(token: string, expiry: number): void {
    this.tokens.set(token, expiry);
  }

  has(token: string): boolean {
    return this.tokens.has(token);
  }

  async consumeJoinToken(token: string): Promise<{ expiry: number } | undefined> {
    await new Promise((r) => setImmediate(r));
    if (this.failWith) throw this.failWith;
    const expiry = this.tokens.get(token);
    if (expiry === undefined) return undefined;
    this.tokens.delete(token);
    return { expiry };
  }
}
