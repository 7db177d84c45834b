/**
 * A login to Vault that lasts: made lazily by the first call, renewed while Vault lets it be
 * renewed, and made again by the next call once renewal stops. As SPIRE's client: a renewable
 * token is renewed (renew-self with its first lease as the increment) when two thirds of its
 * lease have passed; renewal stops when Vault refuses it or gives back a lease shorter than the
 * grace period (the max TTL is near), and a token with a lease of 0 never expires. A renewal that
 * fails for another reason than a 403 (the token refused) is tried again, after a third of the
 * time the token has left (at least 1 s), until only its grace period is left, as Go's lifetime
 * watcher keeps trying. Beyond SPIRE, a token is never used within its grace period of expiry (a
 * non-renewable token included: the next call logs in again instead), and a call Vault answers
 * with 403 drops the login.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '@spire-ts/core/plugin';
import { VaultApiError } from './api-error.js';
import { login, renewSelf } from './auth.js';
import type { VaultBaseConfig } from './config.js';
import { VaultErrors } from './errors.js';
import { DEFAULT_CALL_TIMEOUT_MS, nodeVaultTransport, type TransportOptions, type VaultBody, type VaultTransport } from './transport.js';

/** What a session needs besides its configuration (the factories are test seams). */
export interface VaultSessionDeps {
  log: Logger;
  /** The bound of each call (default {@link DEFAULT_CALL_TIMEOUT_MS}). */
  timeoutMs?: number;
  makeTransport?: (o: TransportOptions) => VaultTransport;
  now?: () => number;
  /** How a retried call waits (default: Go's 1–1.5 s, times the attempt). */
  retrySleep?: (ms: number) => Promise<void>;
}

interface Active {
  authed: VaultTransport;
  /** Epoch ms; undefined: never expires. */
  expiresAt: number | undefined;
  /** The first lease, seconds (the renewal increment). */
  lease: number;
  graceMs: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

const GRACE_MIN_MS = 200;
/** The shortest wait before trying a failed renewal again (capped by the time the token has left). */
const RENEW_RETRY_MIN_MS = 1000;
const GRACE_MAX_MS = 30_000;

/** One Vault login at a time, shared by every caller. */
export class VaultSession {
  private current: Promise<Active> | undefined;
  private closed = false;
  private readonly now: () => number;
  /** How many logins were made (for logs and tests). */
  logins = 0;

  constructor(
    private readonly config: VaultBaseConfig,
    private readonly deps: VaultSessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Calls Vault with the session's token (logging in first when needed). Throws INTERNAL
   * `failed to prepare authenticated client: …` (SPIRE's words, the cause nested) when logging in
   * fails, or {@link VaultApiError} when the call fails.
   */
  async call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: VaultBody): Promise<VaultBody> {
    const a = await this.active();
    try {
      return await a.authed.call(method, path, body);
    } catch (e) {
      if (e instanceof VaultApiError && e.status === 403) this.stop(a, 'Vault refused the token; logging in again at the next call');
      throw e;
    }
  }

  /**
   * Logs in now unless a live login exists. Throws as {@link call} does when logging in fails.
   * Safe to call at any time; concurrent callers share one login.
   */
  async ensureLogin(): Promise<void> {
    await this.active();
  }

  /** The live login, made now when there is none (or it stopped, or is about to expire). */
  private async active(): Promise<Active> {
    for (;;) {
      if (this.closed) throw new Error('vault session is closed');
      const p = this.current;
      if (!p) {
        const made = this.login();
        this.current = made;
        made.catch(() => {
          if (this.current === made) this.current = undefined;
        });
        return made;
      }
      const a = await p;
      if (!a.stopped && (a.expiresAt === undefined || this.now() < a.expiresAt - a.graceMs)) return a;
      if (this.current === p) {
        this.stop(a, 'Token is about to expire; logging in again');
        this.current = undefined;
      }
    }
  }

  private async transportOptions(): Promise<TransportOptions> {
    const c = this.config;
    let ca: string | undefined;
    if (c.caCertPath) {
      try {
        ca = await readFile(c.caCertPath, 'utf8');
        if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`no certificates found in ${c.caCertPath}`);
      } catch (e) {
        throw VaultErrors.loadCaCert(e);
      }
    }
    let clientCert: { cert: string; key: string } | undefined;
    if (c.auth.method === 'cert' && c.auth.clientCertPath) {
      try {
        clientCert = { cert: await readFile(c.auth.clientCertPath, 'utf8'), key: await readFile(c.auth.clientKeyPath, 'utf8') };
      } catch (e) {
        throw VaultErrors.loadClientCert(e);
      }
    }
    return {
      vaultAddr: c.vaultAddr,
      namespace: c.namespace,
      ...(ca ? { ca } : {}),
      ...(clientCert ? { clientCert } : {}),
      insecureSkipVerify: c.insecureSkipVerify,
      timeoutMs: this.deps.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      maxRetries: c.maxRetries,
      ...(this.deps.retrySleep ? { sleep: this.deps.retrySleep } : {}),
    };
  }

  private async login(): Promise<Active> {
    let transport: VaultTransport;
    let l;
    try {
      transport = (this.deps.makeTransport ?? nodeVaultTransport)(await this.transportOptions());
      l = await login(this.config.auth, transport);
    } catch (e) {
      throw VaultErrors.prepareClient(e);
    }
    this.logins++;
    const log = this.deps.log;
    const a: Active = {
      authed: transport.withToken(l.token),
      expiresAt: l.leaseDuration > 0 ? this.now() + l.leaseDuration * 1000 : undefined,
      lease: l.leaseDuration,
      graceMs: Math.min(GRACE_MAX_MS, Math.max(GRACE_MIN_MS, l.leaseDuration * 100)),
      stopped: false,
    };
    log.debug({ auth_method: this.config.auth.method, lease_duration: l.leaseDuration, renewable: l.renewable }, 'Logged in to Vault');
    if (l.leaseDuration === 0) log.debug('Token will never expire');
    else if (!l.renewable) log.debug('Token is not renewable');
    else {
      log.debug('Token will be renewed');
      this.schedule(a, l.leaseDuration);
    }
    return a;
  }

  private schedule(a: Active, leaseSeconds: number): void {
    a.timer = setTimeout(() => void this.renew(a), (leaseSeconds * 1000 * 2) / 3);
    a.timer.unref();
  }

  private async renew(a: Active): Promise<void> {
    if (a.stopped) return;
    const log = this.deps.log;
    try {
      const r = await renewSelf(a.authed, a.lease);
      if (a.stopped) return;
      a.expiresAt = this.now() + r.leaseDuration * 1000;
      log.debug({ lease_duration: r.leaseDuration }, 'Successfully renew auth token');
      if (!r.renewable || r.leaseDuration * 1000 < a.graceMs) {
        log.error('Failed to renew auth token. Retries may have exceeded the lease time threshold');
        this.stop(a);
        return;
      }
      this.schedule(a, r.leaseDuration);
    } catch (e) {
      if (a.stopped) return;
      // Vault refused the token itself (revoked, say): no later renewal can succeed.
      if (e instanceof VaultApiError && e.status === 403) {
        log.error({ err: (e as Error).message }, 'Failed to renew auth token');
        this.stop(a);
        return;
      }
      // Anything else may pass (Vault restarting, a network blip): as Go's lifetime watcher,
      // keep trying while the token has time left beyond its grace period.
      const left = (a.expiresAt ?? Infinity) - this.now() - a.graceMs;
      if (left <= 0) {
        log.error({ err: (e as Error).message }, 'Failed to renew auth token. Retries may have exceeded the lease time threshold');
        this.stop(a);
        return;
      }
      const wait = Math.min(left, Math.max(RENEW_RETRY_MIN_MS, left / 3));
      log.warn({ err: (e as Error).message, retry_in_ms: Math.round(wait) }, 'Failed to renew auth token; trying again');
      a.timer = setTimeout(() => void this.renew(a), wait);
      a.timer.unref();
    }
  }

  private stop(a: Active, why = 'Going to re-authenticate to the Vault at the next request'): void {
    if (a.stopped) return;
    a.stopped = true;
    clearTimeout(a.timer);
    this.deps.log.debug(why);
  }

  /** Stops renewing; later calls fail. Safe to call twice. */
  close(): void {
    this.closed = true;
    const cur = this.current;
    this.current = undefined;
    void cur?.then((a) => this.stop(a, 'Vault session closed')).catch(() => undefined);
  }
}
