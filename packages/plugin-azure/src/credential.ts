import { readFile } from 'node:fs/promises';
import { AzureAuthorityHosts, ClientAssertionCredential, ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/** Microsoft's own cloud authority hosts, whose instance discovery MSAL may run. */
export const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = Object.values(AzureAuthorityHosts).map((h) => normalizeHost(h));

function normalizeHost(h: string): string {
  return h.replace(/\/+$/, '').toLowerCase();
}

/** What a plugin knows of the identity it acts as in one tenant. */
export interface AzureCredentialSettings {
  tenantId: string;
  /** Application (client) ID and secret; both or neither. */
  clientId?: string;
  clientSecret?: string;
  /** A file holding a JWT client assertion (federated token), read at each token request; with `clientId` instead of a secret. */
  assertionFile?: string;
  /** Environment to read `AZURE_AUTHORITY_HOST` from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The authority host @azure/identity will use (`AZURE_AUTHORITY_HOST`, else the public cloud's)
 * and whether MSAL's instance discovery must be off: it is off exactly when the host is not one of
 * Microsoft's cloud authority hosts (Azure Stack, a private cloud, an emulator), because MSAL asks
 * login.microsoftonline.com to discover an unknown authority and that fails where it cannot be reached.
 */
export function authoritySettings(env: NodeJS.ProcessEnv = process.env): { authorityHost: string; disableInstanceDiscovery: boolean } {
  const authorityHost = env.AZURE_AUTHORITY_HOST || AzureAuthorityHosts.AzurePublicCloud;
  return { authorityHost, disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.includes(normalizeHost(authorityHost)) };
}

/**
 * The credential SPIRE's Azure plugins use: a client-assertion credential when a token file is
 * given, a client-secret credential when an application ID and secret are given, else the default credential chain (environment, workload identity, managed
 * identity, Azure CLI…) scoped to the tenant. Construction makes no network call; a bad secret
 * shows at the first token request. Throws only when exactly one of client ID and secret is given.
 */
export function azureCredential(s: AzureCredentialSettings): TokenCredential {
  const auth = authoritySettings(s.env);
  if (s.assertionFile) {
    if (!s.clientId) throw new Error('the application ID is required with a token file');
    const file = s.assertionFile;
    const read = async () => {
      try {
        return (await readFile(file, 'utf8')).trim();
      } catch (e) {
        throw new Error(`unable to read token file ${JSON.stringify(file)}: ${(e as Error).message}`, { cause: e });
      }
    };
    return new ClientAssertionCredential(s.tenantId, s.clientId, read, auth);
  }
  if ((s.clientId ?? '') !== '' || (s.clientSecret ?? '') !== '') {
    if (!s.clientId || !s.clientSecret) throw new Error('both the application ID and the application secret are required');
    return new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret, auth);
  }
  return new DefaultAzureCredential({ tenantId: s.tenantId, ...auth });
}
