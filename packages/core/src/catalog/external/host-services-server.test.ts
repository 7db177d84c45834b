import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { credentials, Metadata, type Client } from '@grpc/grpc-js';
import { silentLogger } from '../../log/logger.js';
import type { HostServices } from '../../plugins/host-services.js';
import { HostServicesServer } from './host-services-server.js';
import { serviceCtor, type ServiceKey } from './protos.js';

const dir = mkdtempSync(join(tmpdir(), 'spire-hs-'));
const servers: HostServicesServer[] = [];
const clients: Client[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(host: HostServices) {
  const server = new HostServicesServer(host, silentLogger());
  servers.push(server);
  const path = join(dir, `hs-${servers.length}.sock`);
  await server.listen(path);
  return <T>(key: ServiceKey, method: string, req: object) =>
    new Promise<T>((resolve, reject) => {
      const c = new (serviceCtor(key))(`unix://${path}`, credentials.createInsecure());
      clients.push(c);
      const fn = (c as unknown as Record<string, (...a: unknown[]) => void>)[method]!;
      fn.call(c, req, new Metadata(), {}, (err: unknown, res: T) => (err ? reject(err) : resolve(res)));
    });
}

describe('host services served to plugins', () => {
  it('answers FAILED_PRECONDITION for services that are not up, as SPIRE', async () => {
    const call = await serve({});
    await assert.rejects(call('identityProvider', 'FetchX509Identity', {}), { code: 9, details: 'IdentityProvider host service has not been initialized' });
    await assert.rejects(call('agentStore', 'GetAgentInfo', { agentId: 'a' }), { code: 9, details: 'AgentStore host service has not been initialized' });
    await assert.rejects(call('metrics', 'IncrCounter', { key: ['a'], val: 1 }), { code: 9, details: 'Metrics host service has not been initialized' });
  });

  it('serves the identity (without the private key), agent lookups and metrics', async () => {
    const recorded: unknown[] = [];
    const call = await serve({
      identityProvider: {
        fetchX509Identity: async () => ({
          certChain: [new Uint8Array([1]), new Uint8Array([2])],
          bundle: { trustDomain: 'example.org', x509Authorities: [], jwtAuthorities: [], refreshHint: 5, sequenceNumber: 9 },
        }),
      },
      agentStore: { getAgentInfo: async (id) => (id === 'spiffe://example.org/agent' ? { agentId: id } : undefined) },
      metrics: {
        incrCounter: (k, v, l) => recorded.push(['counter', k, v, l]),
        setGauge: (k, v, l) => recorded.push(['gauge', k, v, l]),
        addSample: (k, v, l) => recorded.push(['sample', k, Math.round(v / 1000), l]),
      },
    });
    const id = await call<{ identity: { certChain: Buffer[]; privateKey: Buffer }; bundle: { trustDomain: string; sequenceNumber: number } }>(
      'identityProvider',
      'FetchX509Identity',
      {},
    );
    assert.deepEqual(id.identity.certChain.map((b) => [...b]), [[1], [2]]);
    assert.equal(id.identity.privateKey.length, 0);
    assert.equal(id.bundle.trustDomain, 'example.org');
    assert.equal(id.bundle.sequenceNumber, 9);

    assert.deepEqual(await call('agentStore', 'GetAgentInfo', { agentId: 'spiffe://example.org/agent' }), { info: { agentId: 'spiffe://example.org/agent' } });
    await assert.rejects(call('agentStore', 'GetAgentInfo', { agentId: 'spiffe://example.org/other' }), { code: 5, details: 'no such agent' });

    const labels = [{ name: 'l', value: 'v' }];
    await call('metrics', 'IncrCounter', { key: ['a', 'b'], val: 2, labels });
    await call('metrics', 'SetGauge', { key: ['g'], val: 1.5, labels });
    await call('metrics', 'EmitKey', { key: ['e'], val: 3 });
    await call('metrics', 'AddSample', { key: ['s'], val: 4, labels: [] });
    // MeasureSince: a start 2 seconds ago, in Unix nanoseconds, is a sample of about 2000ms.
    await call('metrics', 'MeasureSince', { key: ['m'], time: (Date.now() - 2000) * 1e6, labels: [] });
    assert.deepEqual(recorded, [
      ['counter', ['a', 'b'], 2, { l: 'v' }],
      ['gauge', ['g'], 1.5, { l: 'v' }],
      ['gauge', ['e'], 3, undefined],
      ['sample', ['s'], 0, {}],
      ['sample', ['m'], 2, {}],
    ]);
  });
});
