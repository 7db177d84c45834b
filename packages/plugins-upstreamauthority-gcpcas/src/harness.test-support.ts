import { silentLogger, type Logger } from '@spire-ts/core/plugin';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { TEST_ENDPOINT_VAR } from '@spire-ts/plugin-gcp';
import { configureGcpCas, parseGcpCasConfig, type CasClientOptions, type GcpCasUpstreamAuthority } from './index.js';

/**
 * Starts the GCP emulator and points Application Default Credentials and the CA Service client at
 * it through this test process's environment. Each test file is its own process.
 */
export async function startGcp(): Promise<GcpEmulator> {
  const gcp = await GcpEmulator.start();
  Object.assign(process.env, gcp.env(), { [TEST_ENDPOINT_VAR]: gcp.url });
  return gcp;
}

/** plugin_data with a root_cert_spec for project test-project, region us-central1. */
export function data(spec: Record<string, string>): Record<string, unknown> {
  return { root_cert_spec: { project_name: 'test-project', region_name: 'us-central1', label_key: 'spire', label_value: 'td', ...spec } };
}

/** Parses `raw` (throwing on problems) and configures the plugin in process. */
export function makeUA(raw: Record<string, unknown>, log: Logger = silentLogger(), client: CasClientOptions = {}): GcpCasUpstreamAuthority {
  const parsed = parseGcpCasConfig(raw);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return configureGcpCas(parsed.config, 'spiffe://example.org', log, client);
}

/** A server CA CSR (DER) with these URI SANs. */
export async function csrWithUris(uris: readonly string[], subject?: string): Promise<Uint8Array> {
  return (await makeCaCsr(uris, subject)).der;
}
