import type { KeyObject } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import { errorMessage } from '../errors.js';
import type { KeyType } from '../plugins/keymanager/contract.js';
import type { Clock } from './clock.js';
import { generateKeyPairOfType, spkiDer } from '../plugins/keymanager/key-types.js';
import type { ServerCA } from './server-ca.js';
import { readCertificate } from './x509/certificate.js';
import { chainsToTainted } from './tainted.js';
import { countCall } from '../telemetry/instrument.js';
import { NOOP_METRICS, type CallCounter, type Metrics } from '../telemetry/metrics.js';

/** The server's own X509-SVID and its key. */
export interface ServerSVIDState {
  /** DER, leaf first. */
  certChain: Uint8Array[];
  privateKey: KeyObject;
}

/** How often the rotator checks the server SVID (real timers). */
export const SERVER_SVID_CHECK_INTERVAL_MS = 10_000;

/**
 * Keeps the server's own X509-SVID (`spiffe://<td>/spire/server`) fresh: a new key and SVID when
 * there is none, when half its lifetime has passed (as SPIRE), and at once when the CA reports
 * tainted authorities its chain leads to (SPIRE's forced rotation, which waits for the next
 * check instead). The key pair is generated on libuv's thread pool.
 */
export class ServerSVIDRotator {
  private current?: ServerSVIDState;
  private readonly listeners = new Set<(s: ServerSVIDState) => void>();
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<boolean>;
  /** SPIRE's `svid.rotate` call counter: one call per rotation attempted. */
  private readonly rotateCalls: CallCounter;
  /** Set when the current SVID chains to a tainted authority; cleared by the next rotation. */
  private tainted = false;
  private readonly unsubscribeTaint: () => void;

  constructor(
    private readonly c: { ca: ServerCA; clock: Clock; log: Logger; keyType?: KeyType; metrics?: Metrics },
  ) {
    this.rotateCalls = (c.metrics ?? NOOP_METRICS).callCounter(['svid', 'rotate']);
    this.unsubscribeTaint = c.ca.onTaintedX509Authorities((authorities) => this.onTainted(authorities));
  }

  private onTainted(authorities: Uint8Array[]): void {
    const s = this.current;
    if (!s || !chainsToTainted(s.certChain, authorities, new Date(this.c.clock.now()))) return;
    this.c.log.info('Server SVID signed using a tainted authority, forcing rotation of the Server SVID');
    this.tainted = true;
    // The rotation in flight, if any, may predate the taint: run once more after it.
    void (this.inFlight ?? Promise.resolve(false))
      .catch(() => false)
      .then(() => this.rotate())
      .catch((err: unknown) => this.c.log.error({ error: errorMessage(err) }, 'Could not rotate server X509-SVID'));
  }

  /** The current SVID; undefined before the first rotation. */
  state(): ServerSVIDState | undefined {
    return this.current;
  }

  /** Calls `fn` with every new SVID; returns the unsubscribe function. */
  subscribe(fn: (s: ServerSVIDState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** True when the SVID is missing, past half of its lifetime, or signed by a tainted authority. */
  shouldRotate(): boolean {
    if (!this.current || this.tainted) return true;
    const leaf = readCertificate(this.current.certChain[0]!);
    return this.c.clock.now() > leaf.notBefore + (leaf.notAfter - leaf.notBefore) / 2;
  }

  /**
   * Rotates when due; returns whether it did. Throws what the CA throws (UNAVAILABLE without an
   * active CA). Concurrent calls share one rotation.
   */
  rotate(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    const run = async (): Promise<boolean> => {
      if (!this.shouldRotate()) return false;
      const wasTainted = this.tainted;
      this.tainted = false;
      try {
        this.current = await countCall(this.rotateCalls, async () => {
          const { privateKey } = await generateKeyPairOfType(this.c.keyType ?? 'ec-p256');
          const { certChain } = await this.c.ca.signServerX509SVID({ publicKey: spkiDer(privateKey) });
          return { certChain, privateKey };
        });
      } catch (err) {
        this.tainted ||= wasTainted;
        throw err;
      }
      this.c.log.debug({ spiffe_id: 'spire/server' }, 'Server SVID rotated');
      for (const l of this.listeners) l(this.current);
      return true;
    };
    const p = run().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  /** Checks periodically on real timers. */
  start(): void {
    this.timer = setInterval(() => {
      this.rotate().catch((err: unknown) => this.c.log.error({ error: errorMessage(err) }, 'Could not rotate server X509-SVID'));
    }, SERVER_SVID_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and stops listening for taints. Safe to call twice. */
  stop(): void {
    this.unsubscribeTaint();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
