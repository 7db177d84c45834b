/**
 * A stand-alone server for the CLI tests: the real API endpoints (`startEndpoints`) on a Unix
 * socket, over a real SQLite DataStore (the built-in "sql" plugin) and the API's FakeServerCA
 * (a small real CA whose certificates pass openssl verify). Reads its
 * options as JSON from argv[2], prints `ready` on stdout once serving, and stops on SIGTERM.
 *
 * Stand-in until `spire-server run` is complete; `startTestServer` in api-server.ts is the one
 * place to switch to it.
 */
import 'reflect-metadata';
import { startEndpoints } from '../../api/endpoints.js';
import type { BundleRefresher, LogLevelControl } from '../../api/ports.js';
import { Code, SpireError } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import { openSqlDataStore } from '../../plugins/datastore/test-support/sql-store.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { FakeServerCA } from '../../api/ports.fake.js';

/** Options of the test server process. */
export interface TestServerOptions {
  socketPath: string;
  dataDir: string;
  trustDomain: string;
  /** Attested agents to create before serving. */
  /** Only create the store and the agents, then exit (to seed a store for `spire-server run`). */
  seedOnly?: boolean;
  agents?: Array<{ spiffeId: string; attestationType: string; serial: string; expiresAt: number; canReattest?: boolean; banned?: boolean; agentVersion?: string; selectors?: Array<{ type: string; value: string }> }>;
}

/** The key ID FakeServerCA puts in the JWT-SVIDs it signs. */
const FAKE_JWT_KID = 'fake-jwt-key';

const opts = JSON.parse(process.argv[2]!) as TestServerOptions;
const td = TrustDomain.parse(opts.trustDomain);
const log = silentLogger();
const ds = await openSqlDataStore({ trustDomain: td, dataDir: opts.dataDir, log });
for (const a of opts.seedOnly ? (opts.agents ?? []) : []) await createAgent(a);
if (opts.seedOnly) {
  await (ds as { close?: () => Promise<void> }).close?.();
  process.exit(0);
}
const ca = await FakeServerCA.create(td);
await ds.setBundle({
  trustDomainId: td.idString(),
  rootCas: [{ derBytes: ca.root.certDer, taintedKey: false }],
  jwtSigningKeys: [{ pkixBytes: await ca.jwtPublicKeyDer(), kid: FAKE_JWT_KID, notAfter: Math.floor(Date.now() / 1000) + 86400, taintedKey: false }],
  refreshHint: 0,
  sequenceNumber: 1,
});
for (const a of opts.agents ?? []) await createAgent(a);

async function createAgent(a: NonNullable<TestServerOptions['agents']>[number]): Promise<void> {
  await ds.createAttestedNode({
    spiffeId: a.spiffeId,
    attestationDataType: a.attestationType,
    certSerialNumber: a.banned ? '' : a.serial,
    certNotAfter: a.expiresAt,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: a.canReattest ?? false,
    agentVersion: a.agentVersion ?? '',
    selectors: a.selectors ?? [],
  });
}
const levels = { current: 'info', launch: 'info' };
const logLevels: LogLevelControl = {
  levels: () => ({ ...levels }),
  set: (l) => {
    levels.current = l;
  },
  reset: () => {
    levels.current = levels.launch;
  },
};
// Test stand-in for the federation bundle fetcher: it knows which relationships exist but does
// not fetch over the network (the CLI only relays the RPC's outcome).
const bundleRefresher: BundleRefresher = {
  async refreshBundle(trustDomain: string) {
    const rel = await ds.fetchFederationRelationship(trustDomain);
    if (!rel) throw new SpireError(Code.NOT_FOUND, 'no relationship with trust domain');
  },
};
const endpoints = await startEndpoints({
  trustDomain: td,
  dataStore: ds,
  ca,
  log,
  socketPath: opts.socketPath,
  logLevels,
  bundleRefresher,
  rateLimit: { attestation: false, signing: false },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void endpoints
    .close()
    .then(() => (ds as { close?: () => Promise<void> }).close?.())
    .finally(() => process.exit(0));
});
