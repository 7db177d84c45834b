import { nativeEcVerifyStatus } from './x509/ec-verify-native.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../log/logger.js';
import type { TrustDomain } from '../spiffeid/trust-domain.js';
import type { KeyManager, KeyType } from '../plugins/keymanager/contract.js';
import type { UpstreamAuthority } from '../plugins/upstreamauthority/contract.js';
import type { Notifier } from '../plugins/notifier/contract.js';
import type { BundlePublisher } from '../plugins/bundlepublisher/contract.js';
import type { CredentialComposer, DistinguishedName } from '../plugins/credentialcomposer/contract.js';
import type { CADataStore } from './ca-datastore.js';
import { systemClock, type Clock } from './clock.js';
import { CAManager } from './manager/ca-manager.js';
import { createSigningPool, type SigningPool } from './pool/signing-pool.js';
import { coalescingPool } from './pool/coalescing-pool.js';
import { ServerCA } from './server-ca.js';
import { ServerSVIDRotator } from './server-svid-rotator.js';

/** The server.conf settings the CA reads (durations in milliseconds; 0/absent = SPIRE default). */
export interface CASettings {
  caKeyType?: KeyType;
  jwtKeyType?: KeyType;
  caTtlMs?: number;
  caSubject?: DistinguishedName;
  excludeSnFromCaSubject?: boolean;
  defaultX509SvidTtlMs?: number;
  defaultJwtSvidTtlMs?: number;
  agentTtlMs?: number;
  jwtIssuer?: string;
  disableJwtSvids?: boolean;
  /** experimental.max_pending_svids; default DEFAULT_MAX_PENDING_SVIDS. */
  maxPendingSvids?: number;
}

/** What the CA is built from: settings, plugins and the DataStore. */
export interface CAServiceDeps {
  trustDomain: TrustDomain;
  log: Logger;
  keyManager: KeyManager;
  dataStore: CADataStore;
  upstreamAuthority?: UpstreamAuthority;
  notifiers?: Notifier[];
  bundlePublishers?: BundlePublisher[];
  credentialComposers?: CredentialComposer[];
  clock?: Clock;
  /** A pool to use instead of making one (tests); it is not closed by the service. */
  pool?: SigningPool;
  /** Signing worker threads; default every core. */
  signingThreads?: number;
  /** Where SPIRE's CA metrics go; default: none. */
  metrics?: Metrics;
}

/** The running CA: what the API layer and the server's run command use. */
export interface CAService {
  /** Mints SVIDs (workload, agent, server; X.509 and JWT). */
  ca: ServerCA;
  /** Slots, rotation, bundle pruning and the LocalAuthority operations. */
  manager: CAManager;
  /** The server's own SVID, kept fresh. */
  serverSVID: ServerSVIDRotator;
  /** Stops timers, the upstream stream and the worker pool. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the CA as the server's run command needs it: the signing pool, the signing CA, the CA
 * manager (journal loaded, first rotation done, Notifiers told the bundle is loaded) and the
 * server SVID; then the periodic tasks on real timers. Throws when no X.509 CA can be made or a
 * Notifier refuses the loaded bundle; everything started so far is stopped before it throws.
 */
export async function startCAService(s: CASettings, d: CAServiceDeps): Promise<CAService> {
  const clock = d.clock ?? systemClock;
  const ownPool = !d.pool;
  // Concurrent calls (one MintX509SVID each, say) share worker messages.
  const pool = d.pool ?? coalescingPool(createSigningPool(d.signingThreads !== undefined ? { threads: d.signingThreads } : {}));
  const verifier = nativeEcVerifyStatus();
  if (verifier.loaded) d.log.debug('CSR signatures are checked by the native verifier');
  else d.log.warn({ reason: verifier.reason }, 'The native CSR verifier is not loaded; CSR signatures are checked through node:crypto, about half as fast');
  const ca = new ServerCA({
    trustDomain: d.trustDomain,
    clock,
    credentialComposers: d.credentialComposers ?? [],
    x509SvidTtlMs: s.defaultX509SvidTtlMs,
    jwtSvidTtlMs: s.defaultJwtSvidTtlMs,
    agentTtlMs: s.agentTtlMs,
    jwtIssuer: s.jwtIssuer,
    caTtlMs: s.caTtlMs,
    maxPendingSvids: s.maxPendingSvids,
    ...(d.metrics ? { metrics: d.metrics } : {}),
  });
  let manager: CAManager | undefined;
  try {
    manager = await CAManager.create({
      trustDomain: d.trustDomain,
      clock,
      log: d.log,
      keyManager: d.keyManager,
      dataStore: d.dataStore,
      pool,
      ca,
      upstreamAuthority: d.upstreamAuthority,
      notifiers: d.notifiers,
      bundlePublishers: d.bundlePublishers,
      credentialComposers: d.credentialComposers,
      caKeyType: s.caKeyType,
      jwtKeyType: s.jwtKeyType,
      caTtlMs: s.caTtlMs,
      caSubject: s.caSubject,
      excludeSnFromCaSubject: s.excludeSnFromCaSubject,
      disableJwtSvids: s.disableJwtSvids,
      metrics: d.metrics,
    });
    await manager.initialize();
    await manager.notifyBundleLoaded();
    const serverSVID = new ServerSVIDRotator({ ca, clock, log: d.log, keyType: s.caKeyType, ...(d.metrics ? { metrics: d.metrics } : {}) });
    await serverSVID.rotate();
    manager.start();
    serverSVID.start();
    const m = manager;
    let closed = false;
    return {
      ca,
      manager: m,
      serverSVID,
      async close() {
        if (closed) return;
        closed = true;
        serverSVID.stop();
        await m.close();
        if (ownPool) await pool.close();
      },
    };
  } catch (err) {
    await manager?.close().catch(() => undefined);
    if (ownPool) await pool.close().catch(() => undefined);
    throw err;
  }
}
