import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { service as healthDef } from 'grpc-health-check';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let level = 'info';
before(async () => {
  h = await startHarness({
    logLevels: {
      levels: () => ({ current: level, launch: 'info' }),
      set: (l) => void (level = l),
      reset: () => void (level = 'info'),
    },
    debugInfo: { uptimeSeconds: () => 42, svidChain: async () => [(await h.ca.issue('spiffe://example.org/spire/server')).certDer, h.ca.root.certDer] },
  });
});
after(async () => h.close());

test('logger: get, set, reset; UNSPECIFIED and unknown levels are InvalidArgument', async () => {
  const c = h.local('logger');
  assert.deepEqual(await c.call('GetLogger', {}), { current_level: 'INFO', launch_level: 'INFO' });
  assert.deepEqual(await c.call('SetLogLevel', { new_level: 'DEBUG' }), { current_level: 'DEBUG', launch_level: 'INFO' });
  assert.equal(level, 'debug');
  await assert.rejects(c.call('SetLogLevel', { new_level: 'UNSPECIFIED' }), { code: 3, details: 'newLevel value cannot be LogLevel_UNSPECIFIED' });
  await assert.rejects(c.call('SetLogLevel', { new_level: 42 }), { code: 3, details: 'unsupported log level' });
  assert.deepEqual(await c.call('ResetLogLevel', {}), { current_level: 'INFO', launch_level: 'INFO' });
});

test('the default level control changes the root logger and every child', async () => {
  const { pinoLevelControl } = await import('./log-levels.js');
  const { LogCapture } = await import('./testing/harness.js');
  const root = new LogCapture().logger;
  root.level = 'info';
  const child = root.child({ subsystem_name: 'x' });
  const ctl = pinoLevelControl(root);
  ctl.set('trace');
  assert.equal(child.isLevelEnabled('trace'), true);
  assert.deepEqual(ctl.levels(), { current: 'trace', launch: 'info' });
  ctl.reset();
  assert.equal(child.isLevelEnabled('debug'), false);
});

test('debug GetInfo reports counts, uptime and the server SVID chain', async () => {
  await h.ds.createAttestedNode({
    spiffeId: 'spiffe://example.org/spire/agent/x/1',
    attestationDataType: 'x',
    certSerialNumber: '1',
    certNotAfter: 0,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: false,
    agentVersion: '',
    selectors: [],
  });
  const info = await h.local('debug').call('GetInfo', {});
  assert.equal(info.agents_count, 1);
  assert.equal(info.entries_count, 0);
  assert.equal(info.federated_bundles_count, 1);
  assert.equal(info.uptime, 42);
  assert.equal(info.svid_chain.length, 2);
  assert.deepEqual(info.svid_chain[0].id, { trust_domain: 'example.org', path: '/spire/server' });
  assert.equal(info.svid_chain[0].subject, 'O=SPIRE,C=US');
});

test('grpc.health.v1 Check answers SERVING on the admin socket', async () => {
  const Ctor = grpc.makeClientConstructor(healthDef as unknown as grpc.ServiceDefinition, 'Health');
  const client = new Ctor(`unix:${h.socketPath}`, grpc.credentials.createInsecure()) as unknown as {
    Check(r: object, cb: (e: Error | null, r?: { status: string }) => void): void;
    close(): void;
  };
  const res = await new Promise<{ status: string }>((resolve, reject) => client.Check({ service: '' }, (e, r) => (e ? reject(e) : resolve(r!))));
  assert.equal(res.status, 'SERVING');
  client.close();
});

test('the admin socket is 0770 in a 0750 directory', async () => {
  const { stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  assert.equal((await stat(h.socketPath)).mode & 0o777, 0o770);
  assert.equal((await stat(dirname(h.socketPath))).mode & 0o777, 0o750);
});
