/**
 * Azure helpers shared by the Azure plugins: the credential (client secret or the default chain,
 * with MSAL's instance discovery off for non-Microsoft authority hosts), Microsoft's fixed
 * endpoints with the test-only `SPIRE_TEST_AZURE_ENDPOINT` override, deadlines and error text.
 */
export { azureCredential, authoritySettings, MICROSOFT_AUTHORITY_HOSTS, type AzureCredentialSettings } from './credential.js';
export {
  ARM_ENDPOINT,
  MICROSOFT_OIDC_ISSUER,
  MICROSOFT_PKI_HOST,
  TEST_ENDPOINT_ENV,
  armEndpoint,
  oidcIssuer,
  openIdConfigurationUrl,
  pkiHost,
  tenantOpenIdConfigurationUrl,
  testEndpoint,
} from './endpoints.js';
export { azureErrorText, isAzureUnavailable, untilAborted, withAzureDeadline } from './errors.js';
export { tenantBlocks } from './tenant-blocks.js';
