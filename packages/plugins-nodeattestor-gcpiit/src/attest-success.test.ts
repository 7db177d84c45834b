import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentStore, makeAttestor, PROJECT, startGcp, tokenFor, type GcpTestEnv } from './emulator.test-support.js';

describe('gcp_iit: attestation against the GCP emulator', () => {
  let env: GcpTestEnv;
  before(async () => (env = await startGcp()));
  after(async () => env.close());

  it("attests a Google-signed token to SPIRE's default agent ID and selectors, never re-attesting", async () => {
    const a = await makeAttestor();
    const attrs = await a.attest(await tokenFor(env, { instance: { instanceId: '42', instanceName: 'vm-a', zone: 'europe-west1-b' } }), async () => new Uint8Array());
    assert.deepEqual(attrs, {
      spiffeId: `spiffe://example.org/spire/agent/gcp_iit/${PROJECT}/42`,
      selectorValues: [`project-id:${PROJECT}`, 'zone:europe-west1-b', 'instance-name:vm-a', 'sa:123456789012-compute@developer.gserviceaccount.com'],
      canReattest: false,
    });
    await a.close?.();
  });

  it('renders agent_path_template with the token fields (service account with @ replaced)', async () => {
    const a = await makeAttestor({
      agent_path_template: '/{{ .PluginName }}/{{ .ProjectNumber }}/{{ .Zone }}/{{ .InstanceName }}/{{ .ServiceAccount }}/{{ .InstanceCreationTimestamp }}',
    });
    const attrs = await a.attest(await tokenFor(env, { instance: { instanceName: 'vm-b', serviceAccountEmail: 'sa@p.iam.gserviceaccount.com' } }), async () => new Uint8Array());
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/gcp_iit/123456789012/us-central1-a/vm-b/sa_p.iam.gserviceaccount.com/1700000000');
    await a.close?.();
  });

  it('adds tag, allowed label and allowed metadata selectors from instances.get', async () => {
    env.gcp.compute.seed({
      project: PROJECT,
      zone: 'us-central1-a',
      name: 'vm-md',
      tags: ['web', 'blue'],
      labels: { env: 'prod', team: 'x', secret: 'no' },
      metadata: [
        { key: 'role', value: 'db' },
        { key: 'empty', value: null },
        { key: 'startup-script', value: 'x'.repeat(500) },
      ],
    });
    const a = await makeAttestor({ use_instance_metadata: true, allowed_label_keys: ['env', 'team'], allowed_metadata_keys: ['role', 'empty'] });
    const attrs = await a.attest(await tokenFor(env, { instance: { instanceName: 'vm-md' } }), async () => new Uint8Array());
    assert.deepEqual(attrs.selectorValues.slice(4), ['tag:web', 'tag:blue', 'label:env:prod', 'label:team:x', 'metadata:role:db', 'metadata:empty:']);
    assert.ok(env.gcp.calls('compute.instances.get').at(-1)!.authorization?.startsWith('Bearer '));
    await a.close?.();
  });

  it("keeps Google's certificates until Expires, and fetches them for every attestation without it", async () => {
    let now = Date.now();
    const a = await makeAttestor({}, { host: agentStore(), opts: { now: () => now } });
    const before = env.gcp.calls('iit.certs').length;
    env.gcp.iit.certsExpires = new Date(now + 120_000);
    await a.attest(await tokenFor(env), async () => new Uint8Array());
    await a.attest(await tokenFor(env), async () => new Uint8Array());
    assert.equal(env.gcp.calls('iit.certs').length - before, 1);
    // A rotated key is picked up once the cached answer has expired.
    const s = await env.gcp.iit.rotate();
    now += 121_000;
    env.gcp.iit.certsExpires = null;
    await a.attest(await tokenFor(env, { signer: s, iat: Math.floor(now / 1000) }), async () => new Uint8Array());
    await a.attest(await tokenFor(env, { signer: s, iat: Math.floor(now / 1000) }), async () => new Uint8Array());
    assert.equal(env.gcp.calls('iit.certs').length - before, 3);
    env.gcp.iit.certsExpires = undefined;
    await a.close?.();
  });

  it('attests with a token fetched from the metadata identity route, as a real agent reads it', async () => {
    const a = await makeAttestor();
    const url = `${env.gcp.url}/computeMetadata/v1/instance/service-accounts/default/identity?audience=spire-gcp-node-attestor&format=full`;
    const token = await (await fetch(url, { headers: { 'Metadata-Flavor': 'Google' } })).text();
    const attrs = await a.attest(new TextEncoder().encode(token), async () => new Uint8Array());
    assert.match(attrs.spiffeId, /\/gcp_iit\/test-project\/\d+$/);
    await a.close?.();
  });
});
