import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { KeyManager, KeyType } from '../../plugins/keymanager/contract.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import type { Notifier } from '../../plugins/notifier/contract.js';
import type { BundlePublisher } from '../../plugins/bundlepublisher/contract.js';
import type { CredentialComposer, DistinguishedName } from '../../plugins/credentialcomposer/contract.js';
import type { CADataStore } from '../ca-datastore.js';
import type { Clock } from '../clock.js';
import type { SigningPool } from '../pool/signing-pool.js';
import type { ServerCA } from '../server-ca.js';

/** SPIRE's safety margins: bundle entries stay a day past expiry, journals two weeks. */
export const SAFETY_THRESHOLD_BUNDLE_MS = 24 * 60 * 60 * 1000;
export const SAFETY_THRESHOLD_CA_JOURNALS_MS = 14 * 24 * 60 * 60 * 1000;
/** SPIRE's rotator intervals. */
export const ROTATE_INTERVAL_MS = 10_000;
/** SPIRE's wait before subscribing to the upstream bundle, and between attempts. */
export const SUBSCRIBE_LOCAL_BUNDLE_DELAY_MS = 5_000;
export const PRUNE_BUNDLE_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const PRUNE_CA_JOURNALS_INTERVAL_MS = 8 * 60 * 60 * 1000;
/** SPIRE's bundle publishing manager publishes again this often, which retries a failed publish. */
export const PUBLISH_BUNDLE_INTERVAL_MS = 30_000;

/** Everything the CA manager works with. */
export interface CAManagerConfig {
  trustDomain: TrustDomain;
  clock: Clock;
  log: Logger;
  keyManager: KeyManager;
  dataStore: CADataStore;
  pool: SigningPool;
  ca: ServerCA;
  upstreamAuthority?: UpstreamAuthority;
  notifiers?: Notifier[];
  bundlePublishers?: BundlePublisher[];
  credentialComposers?: CredentialComposer[];
  /** ca_key_type; default ec-p256. */
  caKeyType?: KeyType;
  /** jwt_key_type; default: ca_key_type. */
  jwtKeyType?: KeyType;
  /** ca_ttl (ms); default 24h. */
  caTtlMs?: number;
  caSubject?: DistinguishedName;
  excludeSnFromCaSubject?: boolean;
  /** Whether JWT-SVIDs are disabled (no JWT key is prepared). */
  disableJwtSvids?: boolean;
  /** Where SPIRE's CA manager metrics go; default: none. */
  metrics?: Metrics;
}

/** Unix ms to Unix seconds, as the journal, the bundle and the API count time. */
export const sec = (ms: number): number => Math.floor(ms / 1000);

/** Runs operations one at a time, in call order (the CA manager's lock). */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;
