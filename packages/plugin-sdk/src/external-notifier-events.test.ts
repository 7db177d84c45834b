import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InProcessKeyManager, TrustDomain, silentLogger, type Notifier } from '@spire-ts/core/plugin';
import { FakeCADataStore, startCAService } from '@spire-ts/core/ca-testing';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest } from './testing.js';

function events(dir: string): unknown[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describe('an external Notifier at server start-up (over go-plugin gRPC)', () => {
  it('first hears NotifyAndAdvise(BundleLoaded) with the X.509 root and the JWT key, then Notify(BundleUpdated) for changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notifier-events-'));
    process.env.SPIRE_TEST_RECORD_DIR = dir;
    const loaded = await loadPluginForTest<Notifier>({ type: 'Notifier', name: 'recording', path: testPluginPath('recording-notifier-plugin') });
    const svc = await startCAService(
      { defaultX509SvidTtlMs: 600_000 },
      {
        trustDomain: TrustDomain.parse('example.org'),
        log: silentLogger(),
        keyManager: new InProcessKeyManager(),
        dataStore: new FakeCADataStore(),
        notifiers: [loaded.plugin],
        signingThreads: 1,
      },
    );
    try {
      await svc.manager.settled();
      assert.deepEqual(events(dir), [{ event: 'BundleLoaded', x509Authorities: 1, jwtAuthorities: 1 }]);
      await svc.manager.prepareX509CA();
      await svc.manager.settled();
      assert.deepEqual(events(dir), [
        { event: 'BundleLoaded', x509Authorities: 1, jwtAuthorities: 1 },
        { event: 'BundleUpdated', x509Authorities: 2, jwtAuthorities: 1 },
      ]);
    } finally {
      await svc.close();
      await loaded.close();
    }
  });
});
