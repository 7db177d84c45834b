import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import pino from 'pino';
import type { Logger } from '../../log/logger.js';
import type { DataStore } from '../../plugins/datastore/contract.js';
import { openSqlDataStore, requireFromSqlDataStore } from '../../plugins/datastore/test-support/sql-store.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { startEndpoints, type Endpoints, type EndpointsDeps } from '../endpoints.js';
import { FakeServerCA, type IssuedCert } from '../ports.fake.js';
import { clientConstructor, Services } from '../proto.js';

/** A promisified unary call: `await call(client, 'GetEntry', {...})`. */
export type Call = <T = any>(method: string, req?: object) => Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A client of one service with promise methods. */
export interface TestClient {
  call: Call;
  /** Server-streaming call: every message, in order. */
  stream<T = unknown>(method: string, req?: object): Promise<T[]>;
  raw: grpc.Client;
}

/** Captured log lines (JSON objects), for audit-log assertions. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    this.logger = pino({ level: 'debug' }, sink) as unknown as Logger;
  }
  audit(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.type === 'audit');
  }
}

/**
 * The store API tests run against, chosen by SPIRE_API_TEST_DATASTORE:
 * - unset or `sqlite`: the real SQL DataStore on SQLite in the temp dir (the default);
 * - `postgres` / `mysql`: the same store on a fresh database on the server named by
 *   SPIRE_TEST_POSTGRES_URL / SPIRE_TEST_MYSQL_URL (see scripts/test-dbs.sh), dropped on close.
 *
 * The store, and the drivers that make and drop databases, come from the SQL DataStore package
 * (plugins/datastore/test-support/sql-store.ts).
 */
export async function openTestStore(dir: string, td: TrustDomain, log: Logger): Promise<DataStore & { dropTestDb?: () => Promise<void> }> {
  const kind = process.env.SPIRE_API_TEST_DATASTORE ?? 'sqlite';
  let data: Record<string, unknown>;
  let drop: (() => Promise<void>) | undefined;
  const name = `spire_api_${process.pid}_${randomBytes(3).toString('hex')}`;
  if (kind === 'sqlite') {
    data = { database_type: 'sqlite3', connection_string: join(dir, 'datastore.sqlite3') };
  } else if (kind === 'postgres') {
    const url = process.env.SPIRE_TEST_POSTGRES_URL;
    if (!url) throw new Error('SPIRE_API_TEST_DATASTORE=postgres needs SPIRE_TEST_POSTGRES_URL');
    const pg = requireFromSqlDataStore('pg') as { Client: new (c: string) => { connect(): Promise<void>; query(q: string): Promise<unknown>; end(): Promise<void> } };
    const admin = async (q: string) => {
      const c = new pg.Client(url);
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    data = { database_type: 'postgres', connection_string: u.toString() };
    drop = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else if (kind === 'mysql') {
    const dsn = process.env.SPIRE_TEST_MYSQL_URL;
    const m = dsn ? /^([^:]+):([^@]*)@tcp\(([^:)]+):(\d+)\)\/([^?]*)(\?.*)?$/.exec(dsn) : null;
    if (!dsn || !m) throw new Error('SPIRE_API_TEST_DATASTORE=mysql needs SPIRE_TEST_MYSQL_URL as user:pass@tcp(host:port)/db');
    const mysql = requireFromSqlDataStore('mysql2/promise') as { createConnection(o: object): Promise<{ query(q: string): Promise<unknown>; end(): Promise<void> }> };
    const admin = async (q: string) => {
      const c = await mysql.createConnection({ host: m[3], port: Number(m[4]), user: m[1], password: m[2] });
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    data = { database_type: 'mysql', connection_string: `${m[1]}:${m[2]}@tcp(${m[3]}:${m[4]})/${name}${m[6] ?? ''}` };
    drop = () => admin(`DROP DATABASE IF EXISTS ${name}`);
  } else {
    throw new Error(`unknown SPIRE_API_TEST_DATASTORE "${kind}" (sqlite, postgres or mysql)`);
  }
  const store: DataStore & { dropTestDb?: () => Promise<void> } = await openSqlDataStore({ trustDomain: td, dataDir: dir, data, log });
  if (drop) store.dropTestDb = drop;
  return store;
}

/** A running API under test: store, CA, endpoints on a temp socket and a loopback TCP port. */
export interface Harness {
  td: TrustDomain;
  ds: DataStore;
  ca: FakeServerCA;
  logs: LogCapture;
  endpoints: Endpoints;
  socketPath: string;
  /** A client over the admin socket. */
  local(service: keyof typeof Services): TestClient;
  /** A client over TLS, presenting `svid` when given. */
  tcp(service: keyof typeof Services | 'health', svid?: IssuedCert): TestClient;
  close(): Promise<void>;
}

function wrap(client: grpc.Client): TestClient {
  const anyClient = client as unknown as Record<string, (...a: unknown[]) => unknown>;
  return {
    raw: client,
    call: (method, req = {}) =>
      new Promise((resolve, reject) => {
        const fn = anyClient[method];
        if (typeof fn !== 'function') return reject(new Error(`no method ${method}`));
        fn.call(client, req, { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res as never)));
      }),
    stream: (method, req = {}) =>
      new Promise((resolve, reject) => {
        const out: unknown[] = [];
        const s = anyClient[method]!.call(client, req, { deadline: Date.now() + 10_000 }) as grpc.ClientReadableStream<unknown>;
        s.on('data', (m) => out.push(m));
        s.on('error', reject);
        s.on('end', () => resolve(out as never));
      }),
  };
}

/** TLS client credentials trusting the fake CA root, presenting `svid` when given. */
export function clientTlsCredentials(ca: FakeServerCA, svid?: IssuedCert): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    Buffer.from(ca.root.certPem),
    svid ? Buffer.from(svid.keyPem) : null,
    svid ? Buffer.from(svid.certPem) : null,
    // The server SVID names a SPIFFE ID, not a host; SPIFFE clients check the URI SAN instead.
    { checkServerIdentity: () => undefined },
  );
}

/** What a test may change in `startHarness`: endpoint settings, and the store. */
export type HarnessOptions = Partial<EndpointsDeps> & {
  /** The store to serve; default `openTestStore` in the harness's temp dir. */
  dataStore?: DataStore;
  /** Wraps the store before the API sees it (to inject faults); the wrapper is what `close` closes. */
  wrapDataStore?: (ds: DataStore) => DataStore;
};

/**
 * Starts the API with the test store seeded with the local bundle, a fake CA, the admin socket in
 * a temp dir and TLS on 127.0.0.1 (free port). `opts` overrides endpoint settings.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const td = TrustDomain.parse('example.org');
  const dir = await mkdtemp(join(tmpdir(), 'spire-api-'));
  const logs = new LogCapture();
  const { dataStore, wrapDataStore, ...endpointOpts } = opts;
  const store = dataStore ?? (await openTestStore(dir, td, logs.logger));
  const ds = wrapDataStore ? wrapDataStore(store) : store;
  const ca = await FakeServerCA.create(td);
  await ds.setBundle({ trustDomainId: td.idString(), rootCas: [{ derBytes: ca.root.certDer, taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 });
  const socketPath = join(dir, 'private', 'api.sock');
  const endpoints = await startEndpoints({
    trustDomain: td,
    ca,
    log: logs.logger,
    socketPath,
    tcp: { bindAddress: '127.0.0.1', bindPort: 0 },
    ...endpointOpts,
    dataStore: ds,
  });
  const clients: grpc.Client[] = [];
  const make = (service: string, address: string, creds: grpc.ChannelCredentials) => {
    const Ctor = service === 'health' ? grpc.makeClientConstructor(healthDef(), 'Health') : clientConstructor(Services[service as keyof typeof Services]);
    const c = new Ctor(address, creds);
    clients.push(c);
    return wrap(c);
  };
  return {
    td,
    ds,
    ca,
    logs,
    endpoints,
    socketPath,
    local: (service) => make(service, `unix:${socketPath}`, grpc.credentials.createInsecure()),
    tcp: (service, svid) => make(service, `127.0.0.1:${endpoints.tcpPort}`, clientTlsCredentials(ca, svid)),
    async close() {
      for (const c of clients) c.close();
      await endpoints.close();
      await ds.close?.();
      await (ds as { dropTestDb?: () => Promise<void> }).dropTestDb?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function healthDef(): grpc.ServiceDefinition {
  return healthServiceDefinition as unknown as grpc.ServiceDefinition;
}

/**
 * Stores an attested x509pop agent whose current SVID has `serial` (valid for an hour), as
 * attestation would leave it, so that a test can call the API as that agent. Safe to call once
 * per agent ID; a second call fails as the store refuses a duplicate node.
 */
export async function storeAttestedAgent(ds: DataStore, spiffeId: string, serial: string): Promise<void> {
  await ds.createAttestedNode({
    spiffeId,
    attestationDataType: 'x509pop',
    certSerialNumber: serial,
    certNotAfter: Math.floor(Date.now() / 1000) + 3600,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: true,
    agentVersion: '',
    selectors: [],
  });
}
