// The refresher suites' setup: a real SQLite store, captured logs, fake timers and managers that
// are all stopped on close.
import { LogCapture } from '../../../api/testing/harness.js';
import { openSqlStore } from '../../../cache/test-store.js';
import type { FederatesWithConfig } from '../../../config/types.js';
import type { DataStore } from '../../../plugins/datastore/contract.js';
import { TrustDomain } from '../../../spiffeid/index.js';
import { FederationManager, type FederationManagerOptions } from '../federation-manager.js';
import { FakeTimers, PeerCA, PeerEndpoint, waitFor } from './peer.js';

/** One suite's store, logs, timers and managers. */
export interface RefresherFixture {
  ds: DataStore;
  logs: LogCapture;
  timers: FakeTimers;
  /** A manager on the fixture's store, logs and timers (not started). */
  manager(opts?: Partial<FederationManagerOptions>): FederationManager;
  /** Log lines with message `msg` (and `trust_domain` when given). */
  lines(msg: string, td?: string): Record<string, unknown>[];
  /** Waits until `msg` was logged `count` times for `td`. */
  waitLog(msg: string, td: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function refresherFixture(): Promise<RefresherFixture> {
  const store = await openSqlStore();
  const logs = new LogCapture();
  const timers = new FakeTimers();
  const managers: FederationManager[] = [];
  const lines = (msg: string, td?: string) => logs.lines.filter((l) => l.msg === msg && (td === undefined || l.trust_domain === td));
  return {
    ds: store.ds,
    logs,
    timers,
    manager(opts = {}) {
      const m = new FederationManager({ dataStore: store.ds, log: logs.logger, timers, ...opts });
      managers.push(m);
      return m;
    },
    lines,
    waitLog: (msg, td, count = 1) => waitFor(() => lines(msg, td).length >= count, `${count}× "${msg}" for ${td}`),
    async close() {
      for (const m of managers) await m.stop();
      await store.close();
    },
  };
}

/** A federated peer serving its own bundle over https_spiffe as `spiffe://<td>/spire/server`. */
export interface SpiffePeer {
  ca: PeerCA;
  endpoint: PeerEndpoint;
  endpointId: string;
  /** The relationship as server.conf's federates_with would give it. */
  federatesWith: FederatesWithConfig;
}

/** Starts a peer for `td` whose endpoint serves its bundle (hint 300 s, sequence 1). */
export async function spiffePeer(td: string): Promise<SpiffePeer> {
  const ca = await PeerCA.create(td);
  const endpointId = `spiffe://${td}/spire/server`;
  const endpoint = await PeerEndpoint.start(await ca.issue({ uri: endpointId }));
  return { ca, endpoint, endpointId, federatesWith: { trustDomain: TrustDomain.parse(td), bundleEndpointUrl: endpoint.url, profile: { type: 'https_spiffe', endpointSpiffeId: endpointId } } };
}
