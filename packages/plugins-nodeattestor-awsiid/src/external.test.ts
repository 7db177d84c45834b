import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { agentStore, contractHarness, payloadOf, REGION, seedInstance, startAws, type AwsTestEnv } from './emulator.test-support.js';
import { TEST_CERTS_ENV } from './index.js';

// aws_iid served through the SDK as a plugin_cmd executable and loaded through the server's
// catalog: its own process reads the test-only certificate file named by
// SPIRE_TEST_AWS_IID_CERTS_FILE and reaches the emulator through AWS_ENDPOINT_URL, and TOFU asks
// the server's AgentStore over the host-service broker.
interface Started {
  env: AwsTestEnv;
  p: StartedTestPlugin<NodeAttestor>;
  ids: Set<string>;
  dir: string;
}
let started: Promise<Started> | undefined;
const start = () =>
  (started ??= (async () => {
    const env = await startAws();
    const dir = mkdtempSync(join(tmpdir(), 'aws-iid-ext-'));
    const file = join(dir, 'certs.json');
    writeFileSync(file, JSON.stringify(env.signer.certsByRegion([REGION])));
    process.env[TEST_CERTS_ENV] = file;
    const host = agentStore();
    try {
      const p = await startDescriptorForTest<NodeAttestor>('external', import.meta.resolve('./index.js'), 'awsIidNodeAttestor', { host });
      return { env, p, ids: host.ids, dir };
    } catch (err) {
      // A plugin that never starts must not leave the emulator listening (the file would hang).
      await env.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  })());
after(async () => {
  const s = await started;
  await s?.p.close();
  await s?.env.close();
  delete process.env[TEST_CERTS_ENV];
  if (s) rmSync(s.dir, { recursive: true, force: true });
});

describe('aws_iid (external): trust on first use through the AgentStore host service', () => {
  it('refuses an agent ID the server already attested', async () => {
    const { env, p, ids } = await start();
    const payload = await payloadOf(env, seedInstance(env).instanceId);
    const first = await p.plugin.attest(payload, async () => new Uint8Array());
    ids.add(first.spiffeId);
    await assert.rejects(p.plugin.attest(payload, async () => new Uint8Array()), (e: { code?: number; message?: string }) => {
      assert.equal(e.code, 7);
      assert.match(e.message ?? '', /attestation data has already been used to attest an agent$/);
      return true;
    });
  });
});

// After the TOFU check: the contract closes the plugin.
runNodeAttestorContract('aws_iid (external, plugin_cmd over gRPC)', async (): Promise<NodeAttestorHarness> => {
  const { env, p } = await start();
  return contractHarness(env, p.plugin);
});
