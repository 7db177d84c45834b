/**
 * Test support for gcp_kms (not shipped behaviour): the GCP emulator wired into the environment
 * with a key ring, a configuration builder, and the KeyManager contract harness.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type KeyManager, type Logger } from '@spire-ts/core/plugin';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { orCleanUp, startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import type { GcpKmsConfig } from './config.js';
import { GcpKmsKeyManager } from './gcp-kms-key-manager.js';
import type { TaskClock } from '@spire-ts/core/plugin';

/** The key ring the tests use. */
export const KEY_RING = 'projects/test-project/locations/global/keyRings/spire';

/** The emulator with its key ring, and this process's environment pointing ADC and KMS at it. */
export async function startKmsEmulator(): Promise<GcpEmulator & { restoreEnv(): void }> {
  const gcp = await GcpEmulator.start();
  gcp.kms.createKeyRing('test-project', 'global', 'spire');
  const saved = { ...process.env };
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  Object.assign(process.env, gcp.env(), { SPIRE_TEST_GCP_ENDPOINT: gcp.url });
  return Object.assign(gcp, { restoreEnv: () => void (process.env = saved) });
}

/** A full configuration with a fixed server ID, overridable. */
export function kmsConfig(over: Partial<GcpKmsConfig> = {}): GcpKmsConfig {
  return { keyRing: KEY_RING, keyIdentifierFile: '', keyIdentifierValue: 'server-a', keyPolicyFile: '', serviceAccountFile: '', ...over };
}

/** A configured GcpKmsKeyManager over the emulator the environment names. */
export async function startKeyManager(
  over: Partial<GcpKmsConfig> = {},
  opts: { clock?: TaskClock; trustDomain?: string; log?: Logger; timeoutMs?: number } = {},
): Promise<GcpKmsKeyManager> {
  const km = new GcpKmsKeyManager({
    log: opts.log ?? silentLogger(),
    trustDomain: opts.trustDomain ?? 'example.org',
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  try {
    await km.configure(kmsConfig(over));
  } catch (e) {
    await km.close();
    throw e;
  }
  return km;
}

/** The KeyManager contract harness of gcp_kms: a fresh emulator, the plugin in process or served externally. */
export function gcpKmsContractSetup(servedAs: ServedAs): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const gcp = await startKmsEmulator();
    const dir = await mkdtemp(join(tmpdir(), 'km-gcpkms-contract-'));
    const cleanUp = async () => {
      await gcp.close();
      gcp.restoreEnv();
      await rm(dir, { recursive: true, force: true });
    };
    const started = await orCleanUp(
      () => startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'gcpKmsKeyManager', { data: { key_ring: KEY_RING, key_identifier_file: join(dir, 'server-id') } }),
      cleanUp,
    );
    return {
      km: started.plugin,
      close: async () => {
        await started.close();
        await cleanUp();
      },
    };
  };
}
