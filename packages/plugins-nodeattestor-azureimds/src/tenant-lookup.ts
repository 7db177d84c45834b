import { tenantOpenIdConfigurationUrl } from '@spire-ts/plugin-azure';

const STS_ISSUER = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/;

/**
 * The tenant ID of a tenant domain, as SPIRE finds it: the domain's OpenID configuration on
 * Microsoft's authority names the issuer `https://sts.windows.net/<tenant ID>/`. Bounded by
 * `timeoutMs`; throws Error with SPIRE's wording.
 */
export async function lookupTenantId(domain: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(tenantOpenIdConfigurationUrl(domain), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(`failed to fetch tenant ID: ${(e as Error).message}`, { cause: e });
  }
  if (res.status !== 200) throw new Error(`failed to fetch tenant ID, status: ${res.status}`);
  let issuer: unknown;
  try {
    issuer = ((await res.json()) as { issuer?: unknown }).issuer;
  } catch (e) {
    throw new Error(`failed to unmarshal tenant ID: ${(e as Error).message}`);
  }
  const m = STS_ISSUER.exec(typeof issuer === 'string' ? issuer : '');
  if (!m) throw new Error(`malformed tenant ID: ${JSON.stringify(issuer ?? '')}`);
  return m[1]!;
}
