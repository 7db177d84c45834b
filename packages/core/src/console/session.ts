import { randomBytes } from 'node:crypto';
import type { CallerSvid } from '../api/caller.js';

/** How a session was opened. */
export type SessionVia = 'login_link' | 'client_certificate';

/** One browser session of the console. */
export interface ConsoleSession {
  /** 256 random bits, hex: the cookie's value. */
  readonly id: string;
  /** 256 random bits, hex: the `X-CSRF-Token` every non-GET API call must carry. */
  readonly csrfToken: string;
  readonly via: SessionVia;
  /** `link:<first 8 hex of id>` or the client certificate's SPIFFE ID. */
  readonly user: string;
  /** The browser's IP when the session was opened. */
  readonly remote: string;
  /** The client certificate of a client-certificate session. */
  readonly svid?: CallerSvid;
  /** Milliseconds since the epoch; moved forward by each use. */
  idleExpiresAt: number;
}

/** What opening a session takes. */
export interface NewSession {
  via: SessionVia;
  remote: string;
  svid?: CallerSvid;
}

/**
 * The console's sessions, in memory (a restart logs everyone out). A session ends after
 * `idleTimeoutMs` without use, at logout, or (client-certificate sessions) when its certificate
 * expires. `now` is injectable for tests. Not shared between servers.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a session. */
  create(n: NewSession): ConsoleSession {
    this.sweep();
    const id = randomBytes(32).toString('hex');
    const s: ConsoleSession = {
      id,
      csrfToken: randomBytes(32).toString('hex'),
      via: n.via,
      user: n.via === 'login_link' ? `link:${id.slice(0, 8)}` : n.svid!.id.toString(),
      remote: n.remote,
      ...(n.svid ? { svid: n.svid } : {}),
      idleExpiresAt: this.now() + this.idleTimeoutMs,
    };
    this.sessions.set(id, s);
    return s;
  }

  /**
   * The live session with this id, or undefined (unknown, idle too long, or its certificate
   * expired; an expired session is forgotten). `touch` moves its idle expiry forward.
   */
  get(id: string | undefined, opts: { touch?: boolean } = {}): ConsoleSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.now();
    if (now >= s.idleExpiresAt || (s.svid && now >= s.svid.notAfter.getTime())) {
      this.sessions.delete(id);
      return undefined;
    }
    if (opts.touch) s.idleExpiresAt = now + this.idleTimeoutMs;
    return s;
  }

  /** Ends a session. Safe to call for an unknown id. */
  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Sessions still held (expired ones may linger until the next create). */
  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now >= s.idleExpiresAt) this.sessions.delete(id);
  }
}
