// gcp_iit, azure_msi and azure_imds in one real `spire-server run`, each attesting an agent of the
// project's agent client against the GCP or Azure emulator; the agent SVIDs verify with openssl.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AzureEmulator, azureServerEnv, imdsPayload, msiPayload } from '@spire-ts/emulator-azure';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { AgentClient, RpcError, challengedAttestor, payloadAttestor } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';
import { ServerProcess } from './harness.js';

const PERMISSION_DENIED = 7;
const TENANT = '11111111-2222-3333-4444-555555555555';
const SUB = 'aaaaaaaa-0000-0000-0000-000000000001';
const DOMAIN = 'contoso.onmicrosoft.com';

describe('NodeAttestors gcp_iit, azure_msi and azure_imds in a real spire-server run, on the GCP and Azure emulators', { timeout: 240_000 }, () => {
  let gcp: GcpEmulator;
  let az: AzureEmulator;
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };
  const selectorsOf = async (spiffeId: string) => {
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(spiffeId).pathname } });
    return (got.selectors as { type: string; value: string }[]).map((s) => `${s.type}:${s.value}`).sort();
  };
  const verifySvid = async (agent: AgentClient, name: string) => {
    writeFileSync(join(server.dir, `${name}.pem`), certsPem(agent.svid!.certChain));
    writeFileSync(join(server.dir, 'bundle.pem'), await server.bundlePem());
    execFileSync('openssl', ['verify', '-CAfile', join(server.dir, 'bundle.pem'), join(server.dir, `${name}.pem`)]);
  };

  before(async () => {
    gcp = await GcpEmulator.start();
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, 'app', 'pw');
    az.entra.registerDomain(DOMAIN, TENANT);
    const rootsFile = join(server.dir, 'azure-imds-roots.pem');
    writeFileSync(rootsFile, (await az.imds.chain()).root.certPem);
    await server.start({
      env: { ...gcp.env(), SPIRE_TEST_GCP_ENDPOINT: gcp.url, ...azureServerEnv(az.url), SPIRE_TEST_AZURE_IMDS_ROOTS_FILE: rootsFile },
      extraPlugins: `NodeAttestor "gcp_iit" {
    plugin_data {
      projectid_allow_list = ["test-project"]
      use_instance_metadata = true
      allowed_label_keys = ["env"]
    }
  }
  NodeAttestor "azure_msi" {
    plugin_data {
      tenants = {
        "${TENANT}" = {
          subscription_id = "${SUB}"
          app_id = "app"
          app_secret = "pw"
        }
      }
    }
  }
  NodeAttestor "azure_imds" {
    plugin_data {
      tenants = {
        "${DOMAIN}" = {
          secret_auth = {
            app_id = "app"
            app_secret = "pw"
          }
          allowed_vm_tags = ["env"]
        }
      }
    }
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
    await gcp.close();
    await az.close();
  });

  it('gcp_iit: a Google-signed identity token attests the instance, with its Compute tags and labels; a replay is refused', async () => {
    const i = gcp.iit.instance;
    gcp.compute.seed({ project: i.projectId, zone: i.zone, name: i.instanceName, tags: ['web'], labels: { env: 'prod', other: 'x' } });
    const token = new TextEncoder().encode(await gcp.iit.mint());
    const agent = await newAgent();
    const r = await agent.attest(payloadAttestor('gcp_iit', token));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/gcp_iit/${i.projectId}/${i.instanceId}`);
    assert.equal(r.reattestable, false);
    const sel = await selectorsOf(r.spiffeId);
    for (const want of ['gcp_iit:project-id:test-project', `gcp_iit:zone:${i.zone}`, `gcp_iit:instance-name:${i.instanceName}`, 'gcp_iit:tag:web', 'gcp_iit:label:env:prod']) {
      assert.ok(sel.includes(want), `${want} in ${sel.join(', ')}`);
    }
    assert.ok(!sel.some((s) => s.startsWith('gcp_iit:label:other')), 'labels outside allowed_label_keys are not selectors');
    await verifySvid(agent, 'gcp');
    await assert.rejects((await newAgent()).attest(payloadAttestor('gcp_iit', token)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.deepEqual([e.code, e.details], [PERMISSION_DENIED, 'nodeattestor(gcp_iit): attestation data has already been used to attest an agent']);
      return true;
    });
  });

  it('azure_msi: a managed-identity token attests the VM, with ARM selectors', async () => {
    const principalId = randomUUID();
    az.arm.addVm({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      name: 'vm-msi',
      principalId,
      nics: [{ name: 'nic-msi', nsg: { resourceGroup: 'rg', name: 'nsg' }, subnets: [{ resourceGroup: 'net', vnet: 'vnet', subnet: 'default' }] }],
    });
    const agent = await newAgent();
    const r = await agent.attest(payloadAttestor('azure_msi', msiPayload(await az.entra.msi.mint({ tenantId: TENANT, principalId }))));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/azure_msi/${TENANT}/${principalId}`);
    assert.deepEqual(await selectorsOf(r.spiffeId), [
      'azure_msi:network-security-group:rg:nsg',
      `azure_msi:subscription-id:${SUB}`,
      'azure_msi:virtual-network-subnet:net:vnet:default',
      'azure_msi:virtual-network:net:vnet',
      'azure_msi:vm-name:rg:vm-msi',
    ]);
    await verifySvid(agent, 'msi');
  });

  it('azure_imds: the VM answers the server\'s nonce with its attested document', async () => {
    const vmId = randomUUID();
    az.arm.addVm({ subscriptionId: SUB, resourceGroup: 'rg', name: 'vm-imds', vmId, tags: { env: 'prod' } });
    const agent = await newAgent();
    const nonces: string[] = [];
    const r = await agent.attest(
      challengedAttestor('azure_imds', new TextEncoder().encode('non_empty_payload'), async (challenge) => {
        const nonce = challenge.toString('utf8');
        nonces.push(nonce);
        return imdsPayload(await az.imds.attestedDocument({ vmId, subscriptionId: SUB }, nonce), { agentDomain: DOMAIN });
      }),
    );
    assert.equal(nonces.length, 1);
    assert.match(r.spiffeId, new RegExp(`^spiffe://example\\.org/spire/agent/azure_imds/.*${vmId}`));
    assert.deepEqual(await selectorsOf(r.spiffeId), [
      'azure_imds:resource-group:rg',
      `azure_imds:subscription-id:${SUB}`,
      'azure_imds:vm-location:westus',
      'azure_imds:vm-name:vm-imds',
      'azure_imds:vm-tag:env:prod',
    ]);
    await verifySvid(agent, 'imds');
  });
});
