import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { agent, agentStore, seedVm, startAzure, td, tenantData, type AzureTestEnv } from './emulator.test-support.js';
import { azureImdsNodeAttestor, TEST_ROOTS_ENV } from './index.js';

describe('azure_imds: the built-in descriptor and its test-only roots file', () => {
  let env: AzureTestEnv;
  let dir: string;
  before(async () => {
    env = await startAzure();
    dir = mkdtempSync(join(tmpdir(), 'azure-imds-desc-'));
  });
  after(async () => {
    delete process.env[TEST_ROOTS_ENV];
    rmSync(dir, { recursive: true, force: true });
    await env.close();
  });

  const create = async (data = tenantData()) => {
    const r = azureImdsNodeAttestor.parseConfig(data, { trustDomain: td, dataDir: dir });
    if (!r.config) throw new Error(r.problems.join('; '));
    return azureImdsNodeAttestor.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: dir, host: agentStore() });
  };

  it('is named azure_imds', () => assert.equal(azureImdsNodeAttestor.name, 'azure_imds'));

  it('anchors in Azure’s roots unless SPIRE_TEST_AZURE_IMDS_ROOTS_FILE names others; trust_bundle_path adds roots', async () => {
    delete process.env[TEST_ROOTS_ENV];
    await assert.rejects((await create()).attest(new Uint8Array(), agent(env, seedVm(env))), isSpireError(Code.INVALID_ARGUMENT, /certificate signed by unknown authority/));
    const file = join(dir, 'roots.pem');
    writeFileSync(file, env.rootPem);
    const viaBundle = await create(tenantData({ trust_bundle_path: file }));
    assert.match((await viaBundle.attest(new Uint8Array(), agent(env, seedVm(env)))).spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/azure_imds\//);
    process.env[TEST_ROOTS_ENV] = file;
    assert.match((await (await create()).attest(new Uint8Array(), agent(env, seedVm(env)))).spiffeId, /\/azure_imds\//);
  });

  it('fails to start when a tenant domain is unknown or the roots file cannot be read', async () => {
    delete process.env[TEST_ROOTS_ENV];
    await assert.rejects(
      async () => create({ tenants: { 'nobody.onmicrosoft.com': {} } }),
      isSpireError(Code.INVALID_ARGUMENT, 'unable to lookup tenant ID: failed to fetch tenant ID, status: 400'),
    );
    process.env[TEST_ROOTS_ENV] = join(dir, 'missing.pem');
    await assert.rejects(async () => create(), isSpireError(Code.INTERNAL, /^unable to load the test root certificates: ENOENT/));
    delete process.env[TEST_ROOTS_ENV];
  });
});
