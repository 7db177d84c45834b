import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, type NodeAttestor } from './index.js';
import { eventually } from './test-support/capture-log.js';
import { fakeHost } from './test-support/fake-host.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest, type LoadedTestPlugin } from './testing.js';

const secret = 's3cret';
const payload = (name: string) => Buffer.from(JSON.stringify({ name }));
const answer = (key: string) => async (nonce: Uint8Array) => createHmac('sha256', key).update(nonce).digest();

describe('external NodeAttestor (plugin_cmd, Attest bidi stream)', () => {
  const { host, metrics } = fakeHost({ agents: ['spiffe://example.org/spire/agent/test_challenge/known'] });
  let loaded: LoadedTestPlugin<NodeAttestor>;
  before(async () => {
    loaded = await loadPluginForTest<NodeAttestor>({
      type: 'NodeAttestor',
      name: 'test_challenge',
      path: testPluginPath('nodeattestor-plugin'),
      data: `shared_secret = "${secret}"\nagent_store_check = true\n`,
      host,
    });
  });
  after(async () => loaded.close());

  it('attests an agent through one challenge and response', async () => {
    const challenges: number[] = [];
    const attrs = await loaded.plugin.attest(payload('node-1'), async (nonce) => {
      challenges.push(nonce.length);
      return answer(secret)(nonce);
    });
    assert.deepEqual(challenges, [32]);
    assert.deepEqual(attrs, {
      spiffeId: 'spiffe://example.org/spire/agent/test_challenge/node-1',
      selectorValues: ['name:node-1'],
      canReattest: false,
    });
  });

  it('sends the plugin’s metrics to the host Metrics service', async () => {
    assert.ok(await eventually(() => metrics.some((m) => m.labels?.name === 'node-1')));
    assert.deepEqual(
      metrics.find((m) => m.labels?.name === 'node-1'),
      { kind: 'counter', key: ['test_challenge', 'attested'], value: 1, labels: { name: 'node-1' } },
    );
  });

  it('refuses a wrong challenge response with PERMISSION_DENIED and the plugin prefix', async () => {
    await assert.rejects(loaded.plugin.attest(payload('node-2'), answer('wrong')), {
      code: Code.PERMISSION_DENIED,
      message: 'nodeattestor(test_challenge): challenge response does not match',
    });
  });

  it('consults the AgentStore host service', async () => {
    await assert.rejects(loaded.plugin.attest(payload('known'), answer(secret)), {
      code: Code.PERMISSION_DENIED,
      message: 'nodeattestor(test_challenge): attestation data has already been used to attest an agent',
    });
  });

  it('reports a malformed payload as INVALID_ARGUMENT without issuing a challenge', async () => {
    let asked = false;
    await assert.rejects(
      loaded.plugin.attest(Buffer.from('not json'), async () => {
        asked = true;
        return new Uint8Array();
      }),
      { code: Code.INVALID_ARGUMENT, message: 'nodeattestor(test_challenge): payload is not JSON' },
    );
    assert.equal(asked, false);
  });

  it('passes an error thrown by the host’s challenge callback back as the failure', async () => {
    await assert.rejects(
      loaded.plugin.attest(payload('node-3'), async () => {
        throw new Error('agent went away');
      }),
      /agent went away/,
    );
    // The plugin is still usable afterwards.
    const attrs = await loaded.plugin.attest(payload('node-4'), answer(secret));
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/test_challenge/node-4');
  });
});

describe('external NodeAttestor configuration', () => {
  it('fails loading with the plugin’s own problems when plugin_data is invalid', async () => {
    await assert.rejects(
      loadPluginForTest({ type: 'NodeAttestor', name: 'test_challenge', path: testPluginPath('nodeattestor-plugin'), data: 'bogus = 1' }),
      {
        code: Code.INVALID_ARGUMENT,
        message: 'nodeattestor(test_challenge): invalid configuration: shared_secret is required; unknown option bogus',
      },
    );
  });
});
