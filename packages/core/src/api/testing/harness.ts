import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import pino from 'pino';
import type { Logger } from '../../log/logger.js';
import type { DataStore } from '../../plugins/datastore/contract.js';
import type { AnyPluginDescriptor } from '../../plugins/descriptor.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { startEndpoints, type Endpoints, type EndpointsDeps } from '../endpoints.js';
import { FakeServerCA, type IssuedCert } from '../ports.fake.js';
import { clientConstructor, Services } from '../proto.js';
import { MemoryDataStore } from './memory-datastore.fake.js';

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
 * The store API tests run against: the real SQL DataStore on SQLite in the temp dir (the default,
 * loaded through its descriptor as the catalog would), or the in-memory fake when
 * SPIRE_API_TEST_DATASTORE=memory. Core does not depend on the plugin package at build time, so it
 * is imported by name at run time (the workspace root depends on it).
 */
export async function openTestStore(dir: string, td: TrustDomain, log: Logger): Promise<DataStore> {
  if (process.env.SPIRE_API_TEST_DATASTORE === 'memory') return new MemoryDataStore();
  const pkg = '@spire-ts/plugins-datastore-sql';
  const mod = (await import(pkg)) as { sqlDataStore: AnyPluginDescriptor };
  const d = mod.sqlDataStore;
  const core = { trustDomain: td, dataDir: dir };
  const parsed = d.parseConfig({ database_type: 'sqlite3', connection_string: join(dir, 'datastore.sqlite3') }, core);
  if (parsed.problems.length > 0) throw new Error(`test store config: ${parsed.problems.join('; ')}`);
  return (await d.create({ config: parsed.config, log, trustDomain: td, dataDir: dir, host: {} })) as DataStore;
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

/**
 * Starts the API with an in-memory store seeded with the local bundle, a fake CA, the admin
 * socket in a temp dir and TLS on 127.0.0.1 (free port). `opts` overrides endpoint settings.
 */
export async function startHarness(opts: Partial<EndpointsDeps> & { dataStore?: DataStore } = {}): Promise<Harness> {
  const td = TrustDomain.parse('example.org');
  const dir = await mkdtemp(join(tmpdir(), 'spire-api-'));
  const logs = new LogCapture();
  const ds = opts.dataStore ?? (await openTestStore(dir, td, logs.logger));
  const ca = await FakeServerCA.create(td);
  await ds.setBundle({ trustDomainId: td.idString(), rootCas: [{ derBytes: ca.root.certDer, taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 });
  const socketPath = join(dir, 'private', 'api.sock');
  const endpoints = await startEndpoints({
    trustDomain: td,
    dataStore: ds,
    ca,
    log: logs.logger,
    socketPath,
    tcp: { bindAddress: '127.0.0.1', bindPort: 0 },
    ...opts,
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
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function healthDef(): grpc.ServiceDefinition {
  return healthServiceDefinition as unknown as grpc.ServiceDefinition;
}
