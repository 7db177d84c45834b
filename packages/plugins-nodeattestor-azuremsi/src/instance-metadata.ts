/** The Instance Metadata Service endpoint SPIRE asks for the server VM's own subscription. */
export const INSTANCE_METADATA_URL = 'http://169.254.169.254/metadata/instance?api-version=2025-04-07&format=json';

/**
 * The subscription of the Azure VM this server runs on, from IMDS (`Metadata: true`), as SPIRE
 * reads it for a tenant configured without credentials. Throws (with SPIRE's wording) when IMDS
 * cannot be reached within `timeoutMs` (off Azure) or answers without a subscription.
 */
export async function fetchOwnSubscriptionId(timeoutMs: number, url = INSTANCE_METADATA_URL): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Metadata: 'true' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(`unable to fetch instance metadata: ${(e as Error).message}`, { cause: e });
  }
  const body = await res.text();
  if (res.status !== 200) throw new Error(`unexpected status code ${res.status}: ${body.slice(0, 1024)}`);
  let md: { compute?: { subscriptionId?: unknown } };
  try {
    md = JSON.parse(body) as typeof md;
  } catch (e) {
    throw new Error(`unable to decode instance metadata response: ${(e as Error).message}`);
  }
  const sub = md.compute?.subscriptionId;
  if (typeof sub !== 'string' || sub === '') throw new Error('response missing instance subscription ID');
  return sub;
}
