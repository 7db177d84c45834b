import { TEST_CA_CERT_PATH } from '@spire-ts/emulator-kit';

/**
 * The environment of a real `spire-server run` whose Azure attestors talk to the emulator at
 * `url`: trust in the test CA, @azure/identity's authority host, and the test-only override of
 * ARM and Microsoft's OIDC issuer (read by @spire-ts/plugin-azure).
 */
export function azureServerEnv(url: string): Record<string, string> {
  return { NODE_EXTRA_CA_CERTS: TEST_CA_CERT_PATH, AZURE_AUTHORITY_HOST: url, SPIRE_TEST_AZURE_ENDPOINT: url };
}
