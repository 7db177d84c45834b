import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import * as api from '../api/index.js';
import { SpireServer, type ServerSettings } from './server.js';
import type { BuiltinEntry } from '../catalog/builtins.js';
import { silentLogger } from '../log/logger.js';
import { Code, spireError } from '../errors.js';
import { healthcheckCommand } from '../cli/commands/healthcheck.js';
import { parseServerConfigText } from '../config/index.js';
import { FakeCADataStore } from '../ca/test-support/datastore-subset.fake.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import type { CliIO } from '../cli/command.js';

function io(): CliIO & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd(), out: () => o, err: () => e };
}

/** Whether the stand-in database answers. */
function dsState() {
  return { up: true };
}

/**
 * A DataStore stand-in: the CA's in-memory subset plus ping and checkWritable, which fail while
 * `state.up` is false.
 */
class StandInDataStore extends FakeCADataStore {
  constructor(private readonly state: ReturnType<typeof dsState>) {
    super();
  }
  async ping(): Promise<void> {
    if (!this.state.up) throw spireError(Code.UNAVAILABLE, 'database is down');
  }
  async checkWritable(): Promise<void> {
    await this.ping();
  }
  override async fetchBundle(td: string) {
    if (!this.state.up) throw spireError(Code.UNAVAILABLE, 'database is down');
    return super.fetchBundle(td);
  }
  // What the authorized-entries cache reads on start: an empty store.
  scanRegistrationEntries(): AsyncIterable<never[]> {
    return emptyScan();
  }
  scanAttestedNodes(): AsyncIterable<never[]> {
    return emptyScan();
  }
}

/** A scan of an empty store: no batch. */
async function* emptyScan(): AsyncGenerator<never[]> {
  yield* [];
}

function builtins(state: ReturnType<typeof dsState>): BuiltinEntry[] {
  return [
    {
      type: 'DataStore',
      name: 'sql',
      load: async () => ({
        type: 'DataStore',
        name: 'sql',
        parseConfig: () => ({ config: {}, problems: [] }),
        create: () => new StandInDataStore(state),
      }),
    },
    {
      type: 'KeyManager',
      name: 'memory',
      load: async () => ({
        type: 'KeyManager',
        name: 'memory',
        parseConfig: () => ({ config: {}, problems: [] }),
        create: () => new InProcessKeyManager([]),
      }),
    },
  ];
}

/** A port that was free a moment ago (the config refuses port 0). */
/** Bundle.GetBundle over any channel. */
async function getBundle(address: string, creds: grpc.ChannelCredentials): Promise<{ trust_domain: string; x509_authorities: { asn1: Buffer }[] }> {
  const Ctor = api.clientConstructor(api.Services.bundle);
  const c = new Ctor(address, creds) as unknown as { GetBundle(r: object, cb: (e: Error | null, r: never) => void): void; close(): void };
  try {
    return await new Promise((resolve, reject) => c.GetBundle({}, (e, r) => (e ? reject(e) : resolve(r))));
  } finally {
    c.close();
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function settings(dir: string): Promise<ServerSettings> {
  const text = `
server {
  trust_domain = "example.org"
  data_dir = "${join(dir, 'data')}"
  socket_path = "${join(dir, 'private', 'api.sock')}"
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
  log_level = "ERROR"
}
health_checks {
  listener_enabled = true
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
}
plugins {
  DataStore "sql" {}
  KeyManager "memory" {}
}
`;
  const { config, problems } = parseServerConfigText(text, { filename: 'server.conf' });
  assert.deepEqual(problems, []);
  return config!;
}

describe('SpireServer', () => {
  it('makes the data dir 0700, the socket dir 0750 and the socket 0770, and answers health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spire-srv-'));
    const state = dsState();
    const server = new SpireServer(await settings(dir), { log: silentLogger(), builtins: builtins(state), healthIntervals: { initialMs: 100, steadyMs: 100 } });
    await server.start();
    try {
      assert.equal(statSync(join(dir, 'data')).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'private')).mode & 0o777, 0o750);
      assert.equal(statSync(join(dir, 'private', 'api.sock')).mode & 0o777, 0o770);

      const args = ['-socketPath', join(dir, 'private', 'api.sock')];
      // The CA put the trust bundle in the store while starting, so the server serves at once.
      let c = io();
      assert.equal(await healthcheckCommand.run(args, c), 0);
      assert.equal(c.out(), 'Server is healthy.\n');

      const ready = await fetch(`http://127.0.0.1:${server.healthPort}/ready`);
      assert.equal(ready.status, 200);
      // SPIRE's checks, by name: the CA signs a throw-away SVID, the admin socket answers GetBundle.
      const body = (await ready.json()) as Record<string, unknown>;
      assert.deepEqual(body['server.ca'], {});
      assert.deepEqual(body['server.ca.rotator'], {});
      assert.deepEqual(body.server, {});
      assert.deepEqual(body['catalog.datastore'], {});

      // The server APIs answer on the socket and, with TLS from the CA's server SVID, on TCP.
      const local = await getBundle(`unix:${join(dir, 'private', 'api.sock')}`, grpc.credentials.createInsecure());
      assert.equal(local.trust_domain, 'example.org');
      const rootsPem = local.x509_authorities.map((a) => `-----BEGIN CERTIFICATE-----\n${a.asn1.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`).join('');
      const tls = grpc.credentials.createSsl(Buffer.from(rootsPem), null, null, { checkServerIdentity: () => undefined });
      assert.equal((await getBundle(`127.0.0.1:${server.apiPort}`, tls)).trust_domain, 'example.org');

      state.up = false;
      await new Promise((r) => setTimeout(r, 1100));
      const notReady = await fetch(`http://127.0.0.1:${server.healthPort}/ready`);
      assert.equal(notReady.status, 500);
      assert.match(JSON.stringify(await notReady.json()), /database is down/);
      c = io();
      assert.equal(await healthcheckCommand.run(args, c), 1);
      assert.equal(c.err(), 'Error: server is unhealthy: server returned status "NOT_SERVING"\n');
    } finally {
      await server.stop();
    }
    const c = io();
    assert.equal(await healthcheckCommand.run(['-socketPath', join(dir, 'private', 'api.sock'), '-verbose'], c), 1);
    assert.equal(c.out(), 'Checking server health...\n');
    assert.match(c.err(), /^Failed to check health: .*\nError: server is unhealthy: unable to determine health\n$/s);
  });

  it('stops what it started when a later part fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spire-srv-'));
    const s = await settings(dir);
    // A file where the socket's directory should be makes binding fail after the catalog loaded.
    s.server.socketPath = join(dir, 'data', 'nested', 'api.sock');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'nested'), 'not a dir');
    const server = new SpireServer(s, { log: silentLogger(), builtins: builtins(dsState()) });
    await assert.rejects(server.start(), /ENOTDIR|EEXIST|not a directory/);
    assert.equal(server.healthPort !== undefined, true);
    const r = await fetch(`http://127.0.0.1:${server.healthPort}/live`).catch((e: unknown) => e);
    assert.ok(r instanceof Error, 'the health listener should have been closed');
  });
});
