import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { SUBSCRIPTION, TENANT, agent, agentStore, makeAttestor, seedVm, startAzure, tenantData, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_imds: attestation against the Azure emulator', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  it('challenges with a nonce and attests the VM the signed document names, with ARM selectors', async () => {
    const a = await makeAttestor(env);
    const vm = seedVm(env);
    const respond = agent(env, vm);
    const got = await a.attest(new Uint8Array(), respond);
    assert.match(respond.nonces[0]!, /^[a-zA-Z0-9]{32}$/);
    assert.deepEqual(got, {
      spiffeId: `spiffe://example.org/spire/agent/azure_imds/${TENANT}/${SUBSCRIPTION}/${vm.vmId}`,
      canReattest: false,
      selectorValues: [
        'network-security-group:rg:nsg',
        'resource-group:rg',
        `subscription-id:${SUBSCRIPTION}`,
        'virtual-network-subnet:vnet:default',
        'virtual-network:vnet',
        'vm-location:westeurope',
        `vm-name:${vm.name}`,
        'vm-tag:env:prod',
      ],
    });
  });

  it('refuses a document signed by another key although the anchored certificate is in the bag (v1.15.1)', async () => {
    const a = await makeAttestor(env);
    const vm = seedVm(env);
    await rejectsWith(
      a.attest(new Uint8Array(), agent(env, vm, { sign: (n) => env.az.imds.forgedDocument(vm, n) })),
      Code.INVALID_ARGUMENT,
      'failed to validate attested document: certificate chain validation failed: signing certificate was not issued by intermediate certificate',
    );
  });

  it('refuses a document made for another nonce (replay)', async () => {
    const a = await makeAttestor(env);
    const vm = seedVm(env);
    await rejectsWith(a.attest(new Uint8Array(), agent(env, vm, { sign: () => env.az.imds.attestedDocument(vm, 'old-nonce') })), Code.INVALID_ARGUMENT, 'nonce mismatch');
  });

  it('refuses a document whose chain does not reach the anchors (Azure’s real roots)', async () => {
    const a = await makeAttestor(env, tenantData(), { opts: { roots: undefined } });
    await rejectsWith(
      a.attest(new Uint8Array(), agent(env, seedVm(env))),
      Code.INVALID_ARGUMENT,
      'failed to validate attested document: certificate chain validation failed: unable to verify signing certificate against root CAs: certificate signed by unknown authority',
    );
  });

  it('refuses a signer outside the allowed metadata domains', async () => {
    const a = await makeAttestor(env, tenantData({ allowed_metadata_domains: ['metadata.azure.us'] }));
    await rejectsWith(
      a.attest(new Uint8Array(), agent(env, seedVm(env))),
      Code.INVALID_ARGUMENT,
      'failed to validate attested document: signing certificate validation failed: certificate does not have any valid domain in SAN (found SANs=[metadata.azure.com], allowed domains=[metadata.azure.us])',
    );
  });

  it('refuses a tenant domain or a subscription that is not allowed', async () => {
    const a = await makeAttestor(env, tenantData({}, { restrict_to_subscriptions: [SUBSCRIPTION] }));
    await rejectsWith(a.attest(new Uint8Array(), agent(env, seedVm(env), { domain: 'evil.onmicrosoft.com' })), Code.PERMISSION_DENIED, 'tenant "evil.onmicrosoft.com" is not authorized');
    const other = seedVm(env, { subscriptionId: 'bbbbbbbb-0000-0000-0000-000000000002' });
    await rejectsWith(a.attest(new Uint8Array(), agent(env, other)), Code.PERMISSION_DENIED, 'subscription "bbbbbbbb-0000-0000-0000-000000000002" is not authorized');
  });

  it('refuses an agent ID already attested (TOFU), and a VM ARM does not know', async () => {
    const host = agentStore();
    const a = await makeAttestor(env, tenantData(), { host });
    const vm = seedVm(env);
    host.ids.add((await a.attest(new Uint8Array(), agent(env, vm))).spiffeId);
    await rejectsWith(a.attest(new Uint8Array(), agent(env, vm)), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
    const ghost = { vmId: '0f0f0f0f-0000-0000-0000-000000000000', subscriptionId: SUBSCRIPTION };
    await rejectsWith(a.attest(new Uint8Array(), agent(env, ghost)), Code.INTERNAL, `virtual machine "${ghost.vmId}" not found`);
  });

  it('refuses malformed answers', async () => {
    const a = await makeAttestor(env);
    await rejectsWith(a.attest(new Uint8Array(), async () => new Uint8Array()), Code.INVALID_ARGUMENT, 'missing attestation payload');
    await rejectsWith(a.attest(new Uint8Array(), async () => new TextEncoder().encode('{')), Code.INVALID_ARGUMENT, /^failed to unmarshal data payload: /);
    await rejectsWith(
      a.attest(new Uint8Array(), async () => new TextEncoder().encode('{"document":{"encoding":"pkcs7","signature":""}}')),
      Code.INVALID_ARGUMENT,
      'failed to validate attested document: missing signature in attested document',
    );
  });

  it('says UNAVAILABLE when ARM answers 503', async () => {
    const a = await makeAttestor(env);
    env.az.fail('arm.virtualMachines.listAll', 503, { error: { code: 'ServiceUnavailable', message: 'later' } });
    await rejectsWith(a.attest(new Uint8Array(), agent(env, seedVm(env))), Code.UNAVAILABLE, /^unable to get virtual machine: /);
  });

  it('says UNAVAILABLE at the timeout when Azure is slow', async () => {
    const a = await makeAttestor(env, tenantData(), { opts: { timeoutMs: 200 } });
    const vm = seedVm(env);
    env.az.setLatencyMs(2000);
    try {
      const started = Date.now();
      await rejectsWith(
        a.attest(new Uint8Array(), agent(env, vm)),
        Code.UNAVAILABLE,
        'failed to validate attested document: failed to get intermediate certificate: failed to fetch intermediate certificate: Azure did not answer within 200 ms',
      );
      assert.ok(Date.now() - started < 1500, 'gave up at the timeout');
    } finally {
      env.az.setLatencyMs(0);
    }
  });
});
