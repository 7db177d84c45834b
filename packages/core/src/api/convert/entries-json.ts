import { SpiffeId, TrustDomain } from '../../spiffeid/index.js';
import { GoStructReader, goJsonKind, parseGoJson } from './go-json.js';
import type { ProtoEntry } from './entry.js';

/**
 * Reads SPIRE's entries file (`{"entries":[...]}`, the JSON form of spire.common
 * RegistrationEntries, keys matched as encoding/json does) into API entries. Throws the error
 * SPIRE's CLI prints for bad JSON, wrong types or invalid IDs; nothing is sent in that case.
 */
export function parseEntriesJson(text: string): ProtoEntry[] {
  const doc = parseGoJson(text);
  if (doc === null) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type common.RegistrationEntries`);
  }
  const top = new GoStructReader(doc as Record<string, unknown>, 'RegistrationEntries', '');
  return top.objects('entries', '[]*common.RegistrationEntry').map((raw) => {
    if (raw === null) throw new Error('missing registration entry');
    return toEntry(new GoStructReader(raw, 'RegistrationEntry', 'entries.'));
  });
}

function toEntry(r: GoStructReader): ProtoEntry {
  const selectors = r.objects('selectors', '[]*common.Selector').map((s) => {
    const sr = new GoStructReader(s ?? {}, 'Selector', 'entries.selectors.');
    return { type: sr.string('type'), value: sr.string('value') };
  });
  const spiffeId = r.string('spiffe_id');
  const parentId = r.string('parent_id');
  const entry: ProtoEntry = {
    id: r.string('entry_id'),
    spiffe_id: null,
    parent_id: null,
    selectors,
    x509_svid_ttl: r.int('x509_svid_ttl', 32),
    jwt_svid_ttl: r.int('jwt_svid_ttl', 32),
    federates_with: r.strings('federates_with'),
    admin: r.bool('admin'),
    downstream: r.bool('downstream'),
    expires_at: r.int('entryExpiry', 64),
    dns_names: r.strings('dns_names'),
    revision_number: r.int('revision_number', 64),
    store_svid: r.bool('store_svid'),
    hint: r.string('hint'),
    created_at: r.int('created_at', 64),
  };
  const attrs = r.object('additional_attributes', 'common.RegistrationEntry_AdditionalAttributes');
  if (attrs) {
    const ar = new GoStructReader(attrs, 'RegistrationEntry_AdditionalAttributes', 'entries.additional_attributes.');
    entry.additional_attributes = { disable_x509_svid_prefetch: ar.bool('disable_x509_svid_prefetch'), jwt_svid_include_jti: ar.bool('jwt_svid_include_jti') };
  }
  try {
    const id = SpiffeId.parse(spiffeId);
    entry.spiffe_id = { trust_domain: id.trustDomain.name, path: id.path };
  } catch (err) {
    throw new Error(`invalid SPIFFE ID: ${(err as Error).message}`);
  }
  try {
    const id = SpiffeId.parse(parentId);
    entry.parent_id = { trust_domain: id.trustDomain.name, path: id.path };
  } catch (err) {
    throw new Error(`invalid parent ID: ${(err as Error).message}`);
  }
  entry.federates_with = entry.federates_with.map((td) => {
    try {
      return TrustDomain.parse(td).name;
    } catch (err) {
      throw new Error(`invalid federated trust domain: ${(err as Error).message}`);
    }
  });
  return entry;
}
