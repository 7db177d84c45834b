/**
 * The Azure credential of the plugin: an application's client secret, or the default chain.
 * (Kept here until the shared helper of @spire-ts/plugin-azure is available to this package.)
 */
import { AzureAuthorityHosts, ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';

const MICROSOFT_AUTHORITY_HOSTS = new Set(Object.values(AzureAuthorityHosts).map((h) => new URL(h).host));

/**
 * True when `AZURE_AUTHORITY_HOST` names an authority that is not one of Microsoft's clouds
 * (Azure Stack, a private cloud, a local emulator): MSAL's instance discovery asks
 * login.microsoftonline.com about such a host and must be off for it.
 */
export function instanceDiscoveryOff(authorityHost = process.env.AZURE_AUTHORITY_HOST): boolean {
  if (!authorityHost) return false;
  return !URL.canParse(authorityHost) || !MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host);
}

/**
 * A ClientSecretCredential for the application when `secret` is given, else
 * DefaultAzureCredential (environment, workload identity, managed identity, developer tools).
 * The authority is `AZURE_AUTHORITY_HOST` (default: Azure public cloud). Throws what the
 * credential's constructor throws (for instance a tenant ID with invalid characters).
 */
export function makeCredential(secret: { tenantId: string; appId: string; appSecret: string } | undefined): TokenCredential {
  const disableInstanceDiscovery = instanceDiscoveryOff();
  if (secret) return new ClientSecretCredential(secret.tenantId, secret.appId, secret.appSecret, { disableInstanceDiscovery });
  return new DefaultAzureCredential({ disableInstanceDiscovery });
}
