/**
 * Microsoft endpoints that SPIRE hard-codes (Azure Resource Manager and the Entra ID OIDC issuer
 * of managed-identity tokens), with the one test-only override that points both at an emulator.
 */

/** TEST-ONLY: base URL (`https://host:port`) replacing ARM and Microsoft's OIDC issuer host; never set in production. */
export const TEST_ENDPOINT_ENV = 'SPIRE_TEST_AZURE_ENDPOINT';

/** Azure Resource Manager of the public cloud, as SPIRE's clients use it. */
export const ARM_ENDPOINT = 'https://management.azure.com';

/** The Entra ID issuer whose OIDC discovery lists the keys of managed-identity tokens. */
export const MICROSOFT_OIDC_ISSUER = 'https://login.microsoftonline.com/common/';

/** The test override's base URL without trailing slash, or undefined when unset. */
export function testEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[TEST_ENDPOINT_ENV];
  return v ? v.replace(/\/+$/, '') : undefined;
}

/** The ARM endpoint: {@link ARM_ENDPOINT}, or the test override. */
export function armEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return testEndpoint(env) ?? ARM_ENDPOINT;
}

/** The OIDC issuer of managed-identity tokens: {@link MICROSOFT_OIDC_ISSUER}, or `<override>/common/`. */
export function oidcIssuer(env: NodeJS.ProcessEnv = process.env): string {
  const t = testEndpoint(env);
  return t ? `${t}/common/` : MICROSOFT_OIDC_ISSUER;
}

/** The OpenID configuration document of an issuer (`<issuer>/.well-known/openid-configuration`). */
export function openIdConfigurationUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** The only host SPIRE fetches the IMDS signing certificate's issuer (AIA) from. */
export const MICROSOFT_PKI_HOST = 'www.microsoft.com';

/** The host an AIA issuer URL must name: {@link MICROSOFT_PKI_HOST}, or the test override's host. */
export function pkiHost(env: NodeJS.ProcessEnv = process.env): string {
  const t = testEndpoint(env);
  return t ? new URL(t).host : MICROSOFT_PKI_HOST;
}

/** The OpenID configuration of a tenant domain (`https://login.microsoftonline.com/<domain>/.well-known/openid-configuration`, or under the override). */
export function tenantOpenIdConfigurationUrl(domain: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${testEndpoint(env) ?? 'https://login.microsoftonline.com'}/${encodeURIComponent(domain)}/.well-known/openid-configuration`;
}
