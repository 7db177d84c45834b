import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, TrustDomain, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { awsSecretUpstreamAuthority } from './index.js';

/** The trust domain every test uses. */
export const td = TrustDomain.parse('example.org');

/**
 * Starts the AWS emulator and points the SDK at it through the environment (as an operator
 * would with AWS_ENDPOINT_URL); `stop` closes it and restores the environment.
 */
export async function startAws(): Promise<{ aws: AwsEmulator; stop(): Promise<void> }> {
  const aws = await AwsEmulator.start();
  const env = aws.env();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return {
    aws,
    stop: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await aws.close();
    },
  };
}

/** Parses `raw` (asserting no problems) and makes the plugin in process. */
export async function makeUA(raw: Record<string, unknown>): Promise<UpstreamAuthority> {
  const parsed = awsSecretUpstreamAuthority.parseConfig(raw, { trustDomain: td, dataDir: '/tmp' });
  if (parsed.problems.length > 0) throw new Error(parsed.problems.join('; '));
  return awsSecretUpstreamAuthority.create({ config: parsed.config!, log: silentLogger(), trustDomain: td, dataDir: '/tmp', host: {} });
}

/** A server CA CSR (DER, EC P-256) with these URI SANs, made by the openssl CLI, not by code under test. */
export function csrWithUris(uris: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'ua-awssecret-'));
  try {
    const args = ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/C=US/O=SPIFFE', '-outform', 'DER', '-out', 'csr.der'];
    if (uris.length > 0) args.push('-addext', `subjectAltName=${uris.map((u) => `URI:${u}`).join(',')}`);
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'csr.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
