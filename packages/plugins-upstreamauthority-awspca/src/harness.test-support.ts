import { silentLogger, type Logger } from '@spire-ts/core/plugin';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { configureAwsPca, parseAwsPcaConfig, type AwsPcaUpstreamAuthority, type PcaWaitOptions } from './index.js';

/**
 * Starts the AWS emulator and points the SDK at it through this test process's environment
 * (AWS_ENDPOINT_URL and test credentials). Each test file is its own process.
 */
export async function startAws(): Promise<AwsEmulator> {
  const aws = await AwsEmulator.start();
  Object.assign(process.env, aws.env());
  return aws;
}

/** Parses `raw` (throwing on problems) and configures the plugin in process; polls every 20 ms unless `wait` says otherwise. */
export async function makeUA(raw: Record<string, unknown>, log: Logger = silentLogger(), wait: PcaWaitOptions = { minDelayMs: 20 }): Promise<AwsPcaUpstreamAuthority> {
  const parsed = parseAwsPcaConfig(raw);
  if (parsed.problems.length > 0) throw new Error(parsed.problems.join('; '));
  return configureAwsPca(parsed.config!, 'spiffe://example.org', log, wait);
}

/** A server CA CSR (DER) with these URI SANs. */
export async function csrWithUris(uris: readonly string[]): Promise<Uint8Array> {
  return (await makeCaCsr(uris)).der;
}
