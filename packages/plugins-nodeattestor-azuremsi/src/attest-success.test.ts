import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TENANT, SUBSCRIPTION, makeAttestor, noChallenge, payloadFor, seedVm, startAzure, tenantData, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_msi: attestation against the Azure emulator', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  it('attests a VM by its managed identity token, with sorted, deduplicated ARM selectors', async () => {
    const a = await makeAttestor();
    const principal = seedVm(env, 'web-1');
    const got = await a.attest(await payloadFor(env, principal), noChallenge);
    assert.deepEqual(got, {
      spiffeId: `spiffe://example.org/spire/agent/azure_msi/${TENANT}/${principal}`,
      canReattest: false,
      selectorValues: [
        'network-security-group:rg:nsg',
        `subscription-id:${SUBSCRIPTION}`,
        'virtual-network-subnet:net:vnet:default',
        'virtual-network:net:vnet',
        'vm-name:rg:web-1',
      ],
    });
    assert.equal(env.az.entra.issued.at(-1)?.clientId, 'spire-server-app');
  });

  it('accepts v2 tokens and ES256/PS256 signatures, and a custom resource_id and template', async () => {
    const a = await makeAttestor(tenantData({ agent_path_template: '/msi/{{ .TenantID }}/{{ .PrincipalID }}' }, { resource_id: 'api://spire' }));
    for (const alg of ['ES256', 'PS256'] as const) {
      const principal = seedVm(env);
      const got = await a.attest(await payloadFor(env, principal, { version: 2, alg, audience: 'api://spire' }), noChallenge);
      assert.equal(got.spiffeId, `spiffe://example.org/spire/agent/msi/${TENANT}/${principal}`);
    }
  });

  it('accepts a token expired less than 5 minutes ago (leeway)', async () => {
    const a = await makeAttestor();
    const principal = seedVm(env);
    const issuedAt = new Date(Date.now() - 3600_000 - 4 * 60_000);
    await a.attest(await payloadFor(env, principal, { issuedAt, lifetimeS: 3600 }), noChallenge);
  });

  it('fetches the JWKS once within the hour and keeps the old keys when a refresh fails', async () => {
    let now = Date.now();
    const a = await makeAttestor(tenantData(), { opts: { now: () => now } });
    await a.attest(await payloadFor(env, seedVm(env)), noChallenge);
    await a.attest(await payloadFor(env, seedVm(env)), noChallenge);
    const jwksCalls = () => env.az.calls('entra.jwks').length;
    const before = jwksCalls();
    now += 61 * 60_000;
    env.az.fail('entra.common-openid-configuration', 500, { error: 'down' });
    const principal = seedVm(env);
    await a.attest(await payloadFor(env, principal, { issuedAt: new Date(now) }), noChallenge);
    assert.equal(jwksCalls(), before, 'kept the cached keys');
  });
});
