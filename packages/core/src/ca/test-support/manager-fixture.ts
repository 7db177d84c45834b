import type { KeyManager } from '../../plugins/keymanager/contract.js';
import type { Notifier } from '../../plugins/notifier/contract.js';
import type { BundlePublisher } from '../../plugins/bundlepublisher/contract.js';
import type { PluginBundle } from '../../plugins/types.js';
import { silentLogger } from '../../log/logger.js';
import { InProcessKeyManager } from '../../plugins/keymanager/in-process-key-manager.js';
import { CAManager, type CAManagerConfig } from '../manager/ca-manager.js';
import { InlineSigningPool } from '../pool/signing-pool.fake.js';
import type { SigningPool } from '../pool/signing-pool.js';
import { ServerCA } from '../server-ca.js';
import type { CADataStore } from '../ca-datastore.js';
import { FakeCADataStore } from './datastore-subset.fake.js';
import { FakeClock } from './fake-clock.js';
import { TD } from './fixture.js';

/** A Notifier and BundlePublisher that records what it is told. */
export class RecordingNotifier implements Notifier, BundlePublisher {
  readonly updated: PluginBundle[] = [];
  readonly loaded: PluginBundle[] = [];
  readonly published: PluginBundle[] = [];
  async notifyBundleUpdated(b: PluginBundle): Promise<void> {
    this.updated.push(b);
  }
  async notifyAndAdviseBundleLoaded(b: PluginBundle): Promise<void> {
    this.loaded.push(b);
  }
  async publishBundle(b: PluginBundle): Promise<void> {
    this.published.push(b);
  }
}

export const HOUR = 3600_000;

/** Shared pieces of a server: they survive a "restart" (a new CAManager over the same ones). */
export interface World {
  clock: FakeClock;
  km: KeyManager;
  ds: CADataStore;
  pool: SigningPool;
  notifier: RecordingNotifier;
}

export function newWorld(): World {
  return {
    clock: new FakeClock(Date.now()),
    km: new InProcessKeyManager(),
    ds: new FakeCADataStore(),
    pool: new InlineSigningPool(),
    notifier: new RecordingNotifier(),
  };
}

/** Starts a CA manager over the world (a server start). */
export async function startManager(w: World, extra: Partial<CAManagerConfig> = {}): Promise<{ m: CAManager; ca: ServerCA }> {
  const ca = new ServerCA({ trustDomain: TD, clock: w.clock });
  const m = await CAManager.create({
    trustDomain: TD,
    clock: w.clock,
    log: silentLogger(),
    keyManager: w.km,
    dataStore: w.ds,
    pool: w.pool,
    ca,
    notifiers: [w.notifier],
    bundlePublishers: [w.notifier],
    caTtlMs: 24 * HOUR,
    ...extra,
  });
  await m.initialize();
  // As the server starts: Notifiers hear BundleLoaded, then bundle changes.
  await m.notifyBundleLoaded();
  await m.settled();
  return { m, ca };
}
