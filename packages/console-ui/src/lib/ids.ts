import type { SpiffeIdProto } from '../api-types';

/** `spiffe://<td><path>` from the API's SPIFFEID ('' when absent). */
export function idString(id: SpiffeIdProto | null | undefined): string {
  return id ? `spiffe://${id.trust_domain}${id.path}` : '';
}

/**
 * Splits `spiffe://<td><path>` into the API's SPIFFEID without judging the parts: the server
 * checks them and its message is the one shown. Throws only when there is no `spiffe://` scheme
 * to split on, with go-spiffe's wording.
 */
export function idProto(s: string, what = 'SPIFFE ID'): SpiffeIdProto {
  const t = s.trim();
  if (!/^spiffe:\/\//i.test(t)) throw new Error(`${what} "${t}": scheme is missing or invalid`);
  const rest = t.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? { trust_domain: rest, path: '' } : { trust_domain: rest.slice(0, slash), path: rest.slice(slash) };
}

/** Splits a text area into trimmed non-empty lines (commas also separate when `commas`). */
export function lines(text: string, commas = false): string[] {
  return text
    .split(commas ? /[\n,]/ : /\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
