import { parseBundleDocument } from '../../ca/bundle-jwks.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { bundleToProto, type ProtoBundle } from './bundle.js';
import type { ProtoEntry } from './entry.js';
import { protoFromId } from './ids.js';

/**
 * One entry of `spire-server entry create -data` (spire.common.RegistrationEntry as Go's
 * encoding/json writes it: snake_case names, IDs as strings, `entryExpiry` in camel case).
 */
interface DataFileEntry {
  entry_id?: string;
  spiffe_id?: string;
  parent_id?: string;
  selectors?: { type?: string; value?: string }[];
  x509_svid_ttl?: number;
  jwt_svid_ttl?: number;
  /** Old files: one TTL for both. */
  ttl?: number;
  federates_with?: string[];
  admin?: boolean;
  downstream?: boolean;
  entryExpiry?: number;
  dns_names?: string[];
  store_svid?: boolean;
  hint?: string;
  additional_attributes?: { disable_x509_svid_prefetch?: boolean; jwt_svid_include_jti?: boolean };
}

function idOrNull(s: string | undefined, field: string, i: number) {
  if (s === undefined || s === '') return null;
  try {
    return protoFromId(s);
  } catch (err) {
    throw new Error(`entries[${i}].${field}: ${(err as Error).message}`);
  }
}

/**
 * Reads the JSON of `spire-server entry create -data` (`{"entries":[...]}`) into API entries,
 * as SPIRE's CLI does before calling BatchCreateEntry: IDs become SPIFFEID messages and
 * federated trust domain IDs become names. Throws Error naming the entry and field.
 */
export function entriesFromDataJson(text: string): ProtoEntry[] {
  let doc: { entries?: DataFileEntry[] };
  try {
    doc = JSON.parse(text) as { entries?: DataFileEntry[] };
  } catch (err) {
    throw new Error(`invalid JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.entries)) throw new Error('expected an object with an "entries" list');
  return doc.entries.map((e, i) => ({
    id: e.entry_id ?? '',
    spiffe_id: idOrNull(e.spiffe_id, 'spiffe_id', i),
    parent_id: idOrNull(e.parent_id, 'parent_id', i),
    selectors: (e.selectors ?? []).map((s) => ({ type: s.type ?? '', value: s.value ?? '' })),
    x509_svid_ttl: e.x509_svid_ttl ?? e.ttl ?? 0,
    jwt_svid_ttl: e.jwt_svid_ttl ?? 0,
    federates_with: (e.federates_with ?? []).map((td, j) => {
      try {
        return TrustDomain.parse(td).name;
      } catch (err) {
        throw new Error(`entries[${i}].federates_with[${j}]: ${(err as Error).message}`);
      }
    }),
    admin: !!e.admin,
    downstream: !!e.downstream,
    expires_at: e.entryExpiry ?? 0,
    dns_names: e.dns_names ?? [],
    revision_number: 0,
    store_svid: !!e.store_svid,
    hint: e.hint ?? '',
    created_at: 0,
    additional_attributes: e.additional_attributes
      ? { disable_x509_svid_prefetch: !!e.additional_attributes.disable_x509_svid_prefetch, jwt_svid_include_jti: !!e.additional_attributes.jwt_svid_include_jti }
      : null,
  }));
}

/**
 * Reads a SPIFFE bundle (the JWKS of `spire-server bundle show -format spiffe` and `bundle set
 * -format spiffe`) for trust domain `td` into an API bundle, with the rules of
 * `parseBundleDocument` (ca/bundle-jwks.ts), which the federation refresher uses too. Throws a
 * SpireError naming the key at fault.
 */
export function bundleFromSpiffeJson(text: string, td: string): ProtoBundle {
  return bundleToProto(parseBundleDocument(text, td));
}
