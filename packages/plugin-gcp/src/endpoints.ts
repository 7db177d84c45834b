/**
 * Where the GCP plugins send Google API calls. SPIRE's plugins always reach Google's public
 * endpoints, and Google's client libraries have no shared setting to move them (Cloud Storage's
 * `STORAGE_EMULATOR_HOST` excepted), so tests use one variable of their own:
 * `SPIRE_TEST_GCP_ENDPOINT`, the base URL of the GCP emulator, which then serves every Google
 * API these plugins call (Compute, Cloud KMS, CA Service, the identity-token certificates).
 * Test-only: never set it on a real server, whose attestations would then trust whatever answers
 * there.
 */
export const TEST_ENDPOINT_VAR = 'SPIRE_TEST_GCP_ENDPOINT';

/** The emulator base URL when the test-only variable is set, else undefined (Google's endpoints). */
export function testEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[TEST_ENDPOINT_VAR];
  return v ? v.replace(/\/+$/, '') : undefined;
}

/**
 * A Google client library's `apiEndpoint` / `fallback` settings: REST over HTTP/1.1 to the test
 * endpoint when it is set (the emulator speaks REST, not gRPC), else the library's defaults.
 */
export function clientEndpointOptions(env: NodeJS.ProcessEnv = process.env): { apiEndpoint?: string; protocol?: string; port?: number; fallback?: boolean } {
  const base = testEndpoint(env);
  if (!base) return {};
  const u = new URL(base);
  return { apiEndpoint: u.hostname, port: Number(u.port), protocol: u.protocol.replace(':', ''), fallback: true };
}
