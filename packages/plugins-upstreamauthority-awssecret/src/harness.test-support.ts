import { silentLogger, TrustDomain, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { awsSecretUpstreamAuthority } from './index.js';

/** The trust domain every test uses. */
export const td = TrustDomain.parse('example.org');

/**
 * Starts the AWS emulator and points the SDK at it through this test process's environment
 * (AWS_ENDPOINT_URL and test credentials), as an operator would. Each test file is its own process.
 */
export async function startAws(): Promise<AwsEmulator> {
  const aws = await AwsEmulator.start();
  Object.assign(process.env, aws.env());
  return aws;
}

/** Parses `raw` (throwing on problems) and makes the plugin in process. */
export async function makeUA(raw: Record<string, unknown>): Promise<UpstreamAuthority> {
  const parsed = awsSecretUpstreamAuthority.parseConfig(raw, { trustDomain: td, dataDir: '/tmp' });
  if (parsed.problems.length > 0) throw new Error(parsed.problems.join('; '));
  return awsSecretUpstreamAuthority.create({ config: parsed.config!, log: silentLogger(), trustDomain: td, dataDir: '/tmp', host: {} });
}

/** A server CA CSR (DER) with these URI SANs. */
export async function csrWithUris(uris: readonly string[]): Promise<Uint8Array> {
  return (await makeCaCsr(uris)).der;
}
