import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SpireServer, type ServerSettings } from './server.js';
import type { BuiltinEntry } from '../catalog/builtins.js';
import { silentLogger } from '../log/logger.js';
import { TrustDomain } from '../spiffeid/index.js';
import { Code, spireError } from '../errors.js';
import { healthcheckCommand } from '../cli/commands/healthcheck.js';
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

/** A DataStore stand-in with only what the server itself calls: ping and fetchBundle. */
function dsState() {
  return { up: true, bundle: false as boolean };
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
        create: () => ({
          async ping() {
            if (!state.up) throw spireError(Code.UNAVAILABLE, 'database is down');
          },
          async fetchBundle() {
            if (!state.up) throw spireError(Code.UNAVAILABLE, 'database is down');
            return state.bundle ? { trustDomainId: 'spiffe://example.org', rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 } : undefined;
          },
        }),
      }),
    },
    {
      type: 'KeyManager',
      name: 'memory',
      load: async () => ({ type: 'KeyManager', name: 'memory', parseConfig: () => ({ config: {}, problems: [] }), create: () => ({}) }),
    },
  ];
}

function settings(dir: string): ServerSettings {
  return {
    server: {
      trustDomain: TrustDomain.parse('example.org'),
      dataDir: join(dir, 'data'),
      socketPath: join(dir, 'private', 'api.sock'),
      logLevel: 'ERROR',
      logFormat: 'text',
      logSourceLocation: false,
    },
    healthChecks: { listenerEnabled: true, bindAddress: '127.0.0.1', bindPort: 0, livePath: '/live', readyPath: '/ready' },
    plugins: [
      { type: 'DataStore', name: 'sql', enabled: true, data: {}, dataText: '' },
      { type: 'KeyManager', name: 'memory', enabled: true, data: {}, dataText: '' },
    ],
  };
}

describe('SpireServer', () => {
  it('makes the data dir 0700, the socket dir 0750 and the socket 0770, and answers health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spire-srv-'));
    const state = dsState();
    const server = new SpireServer(settings(dir), { log: silentLogger(), builtins: builtins(state) });
    await server.start();
    try {
      assert.equal(statSync(join(dir, 'data')).mode & 0o777, 0o700);
      assert.equal(statSync(join(dir, 'private')).mode & 0o777, 0o750);
      assert.equal(statSync(join(dir, 'private', 'api.sock')).mode & 0o777, 0o770);

      const args = ['-socketPath', join(dir, 'private', 'api.sock')];
      let c = io();
      assert.equal(await healthcheckCommand.run(args, c), 1);
      assert.equal(c.err(), 'Error: server is unhealthy: server returned status "NOT_SERVING"\n');

      state.bundle = true;
      c = io();
      assert.equal(await healthcheckCommand.run(args, c), 0);
      assert.equal(c.out(), 'Server is healthy.\n');

      const ready = await fetch(`http://127.0.0.1:${server.healthPort}/ready`);
      assert.equal(ready.status, 200);
      state.up = false;
      await new Promise((r) => setTimeout(r, 1100));
      const notReady = await fetch(`http://127.0.0.1:${server.healthPort}/ready`);
      assert.equal(notReady.status, 500);
      assert.match(JSON.stringify(await notReady.json()), /database is down/);
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
    const s = settings(dir);
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
