/**
 * Test support for aws_kms (not shipped behaviour): the KMS emulator wired into the environment,
 * a configuration builder, a recording logger, and the KeyManager contract harness.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type KeyManager, type Logger } from '@spire-ts/core/plugin';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { orCleanUp, startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { AwsKmsKeyManager } from './aws-kms-key-manager.js';
import type { AwsKmsConfig } from './config.js';
import type { TaskClock } from '@spire-ts/core/plugin';

/** Starts the emulator and points this process's AWS SDK clients at it (AWS_ENDPOINT_URL, region, keys). */
export async function startKmsEmulator(): Promise<AwsEmulator> {
  const aws = await AwsEmulator.start({ accountId: '123456789012', region: 'us-east-1' });
  Object.assign(process.env, aws.env());
  return aws;
}

/** A full configuration with a fixed server ID, overridable. */
export function kmsConfig(over: Partial<AwsKmsConfig> = {}): AwsKmsConfig {
  return {
    accessKeyId: '',
    secretAccessKey: '',
    region: 'us-east-1',
    keyIdentifierFile: '',
    keyIdentifierValue: 'server-a',
    keyPolicyFile: '',
    keyTags: [],
    enableTagBasedKeyDiscovery: false,
    ...over,
  };
}

/** A configured AwsKmsKeyManager over the emulator the environment names. */
export async function startKeyManager(
  over: Partial<AwsKmsConfig> = {},
  opts: { clock?: TaskClock; trustDomain?: string; log?: Logger } = {},
): Promise<AwsKmsKeyManager> {
  const km = new AwsKmsKeyManager({ log: opts.log ?? silentLogger(), trustDomain: opts.trustDomain ?? 'example.org', ...(opts.clock ? { clock: opts.clock } : {}) });
  try {
    await km.configure(kmsConfig(over));
  } catch (e) {
    await km.close();
    throw e;
  }
  return km;
}

/**
 * The KeyManager contract harness of aws_kms: a fresh emulator, the plugin made in process or
 * served externally through plugin_cmd with a key identifier file in a temporary directory.
 */
export function awsKmsContractSetup(servedAs: ServedAs): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const aws = await startKmsEmulator();
    const dir = await mkdtemp(join(tmpdir(), 'km-awskms-contract-'));
    const cleanUp = async () => {
      await aws.close();
      await rm(dir, { recursive: true, force: true });
    };
    const started = await orCleanUp(
      () => startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'awsKmsKeyManager', { data: { region: 'us-east-1', key_identifier_file: join(dir, 'server-id') } }),
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
