import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../log/logger.js';
import { TrustDomain } from '../spiffeid/index.js';
import { endpointsDepsFromConfig } from './from-config.js';
import { FakeServerCA } from './ports.fake.js';
import type { DataStore } from '../plugins/datastore/contract.js';

test('endpoint settings come from the server block', async () => {
  const td = TrustDomain.parse('example.org');
  const ca = await FakeServerCA.create(td);
  // Handed through untouched: the settings read no store method.
  const ds = {} as DataStore;
  const deps = endpointsDepsFromConfig(
    {
      trustDomain: td,
      bindAddress: '0.0.0.0',
      bindPort: 8081,
      socketPath: '/tmp/spire-server/private/api.sock',
      adminIds: ['spiffe://example.org/admin'],
      auditLogEnabled: true,
      ratelimit: { attestation: false, signing: true },
    },
    { dataStore: ds, ca, log: silentLogger() },
  );
  assert.deepEqual(deps.tcp, { bindAddress: '0.0.0.0', bindPort: 8081 });
  assert.equal(deps.socketPath, '/tmp/spire-server/private/api.sock');
  assert.deepEqual(deps.adminIds, ['spiffe://example.org/admin']);
  assert.equal(deps.auditLogEnabled, true);
  assert.deepEqual(deps.rateLimit, { attestation: false, signing: true });
  assert.equal(deps.dataStore, ds);
});
