import type { RegistrationEntry, RegistrationEntryMask } from '../../plugins/datastore/contract.js';
import type { Entry__Output } from '../../proto/gen/api/spire/api/types/Entry.js';
import type { EntryMask } from '../../proto/gen/api/spire/api/types/EntryMask.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { validateDnsName } from './dns.js';
import { memberIdFromProto, protoFromId, workloadIdFromProto } from './ids.js';
import { protoFromSelectors, selectorsFromProto } from './selectors.js';

/** The longest hint SPIRE accepts. */
export const HINT_MAX_LENGTH = 1024;

/** spire.api.types.Entry as proto-loader presents it (generated). */
export type ProtoEntry = Entry__Output;

/** spire.api.types.EntryMask: field name to "include" (generated). */
export type ProtoEntryMask = EntryMask;

/** Every maskable entry field, in proto order. */
export const ALL_ENTRY_FIELDS: (keyof ProtoEntryMask)[] = [
  'spiffe_id',
  'parent_id',
  'selectors',
  'x509_svid_ttl',
  'federates_with',
  'admin',
  'downstream',
  'expires_at',
  'dns_names',
  'revision_number',
  'store_svid',
  'jwt_svid_ttl',
  'hint',
  'created_at',
  'additional_attributes',
];

/** Wire form of a stored entry; trust domains of federates_with are names, as SPIRE sends them. */
export function entryToProto(e: RegistrationEntry): ProtoEntry {
  return {
    id: e.entryId,
    spiffe_id: protoFromId(e.spiffeId),
    parent_id: protoFromId(e.parentId),
    selectors: protoFromSelectors(e.selectors),
    x509_svid_ttl: e.x509SvidTtl,
    federates_with: e.federatesWith.map((td) => TrustDomain.parse(td).name),
    admin: e.admin,
    downstream: e.downstream,
    expires_at: e.entryExpiry,
    dns_names: [...e.dnsNames],
    revision_number: e.revisionNumber,
    store_svid: e.storeSvid,
    jwt_svid_ttl: e.jwtSvidTtl,
    hint: e.hint,
    created_at: e.createdAt,
    additional_attributes: e.additionalAttributes
      ? { disable_x509_svid_prefetch: e.additionalAttributes.disableX509SvidPrefetch, jwt_svid_include_jti: e.additionalAttributes.jwtSvidIncludeJti }
      : null,
  };
}

/**
 * Applies an output mask: with no mask every field is kept; with one, only the fields it sets
 * (the ID always). Returns a new object.
 */
export function applyEntryMask(e: ProtoEntry, mask: ProtoEntryMask | null | undefined): ProtoEntry {
  if (!mask) return e;
  const out = { id: e.id } as ProtoEntry;
  const blank = blankEntry();
  for (const f of ALL_ENTRY_FIELDS) (out as unknown as Record<string, unknown>)[f] = mask[f] ? e[f] : blank[f];
  return out;
}

function blankEntry(): ProtoEntry {
  return {
    id: '',
    spiffe_id: null,
    parent_id: null,
    selectors: [],
    x509_svid_ttl: 0,
    federates_with: [],
    admin: false,
    downstream: false,
    expires_at: 0,
    dns_names: [],
    revision_number: 0,
    store_svid: false,
    jwt_svid_ttl: 0,
    hint: '',
    created_at: 0,
    additional_attributes: null,
  };
}

/**
 * Validates a wire entry and converts it for the store. With a mask, only the fields it sets are
 * read (the others may be empty). Throws Error with SPIRE's messages ("invalid spiffe ID: ...",
 * "selector list is empty", ...), plus clear ones for negative TTLs and expiry.
 */
export function entryFromProto(td: TrustDomain, e: ProtoEntry | null | undefined, mask?: ProtoEntryMask | null): RegistrationEntry {
  if (!e) throw new Error('missing entry');
  const m: ProtoEntryMask = mask ?? Object.fromEntries(ALL_ENTRY_FIELDS.map((f) => [f, true]));
  const out: RegistrationEntry = {
    entryId: e.id ?? '',
    spiffeId: '',
    parentId: '',
    selectors: [],
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: '',
    createdAt: 0,
    revisionNumber: 0,
  };
  if (m.parent_id) {
    try {
      out.parentId = memberIdFromProto(td, e.parent_id).toString();
    } catch (err) {
      throw new Error(`invalid parent ID: ${(err as Error).message}`);
    }
  }
  if (m.spiffe_id) {
    try {
      out.spiffeId = workloadIdFromProto(td, e.spiffe_id).toString();
    } catch (err) {
      throw new Error(`invalid spiffe ID: ${(err as Error).message}`);
    }
  }
  if (m.admin) out.admin = e.admin;
  if (m.dns_names) {
    for (const d of e.dns_names ?? []) {
      try {
        validateDnsName(d);
      } catch (err) {
        throw new Error(`invalid DNS name: ${(err as Error).message}`);
      }
    }
    out.dnsNames = [...(e.dns_names ?? [])];
  }
  if (m.downstream) out.downstream = e.downstream;
  if (m.expires_at) {
    if (e.expires_at < 0) throw new Error('invalid expires_at: must not be negative');
    out.entryExpiry = e.expires_at;
  }
  if (m.federates_with) {
    out.federatesWith = (e.federates_with ?? []).map((name) => {
      try {
        return TrustDomain.parse(name).idString();
      } catch (err) {
        throw new Error(`invalid federated trust domain: ${(err as Error).message}`);
      }
    });
  }
  if (m.selectors) {
    if (!e.selectors || e.selectors.length === 0) throw new Error('selector list is empty');
    out.selectors = selectorsFromProto(e.selectors);
  }
  if (m.revision_number) out.revisionNumber = e.revision_number;
  if (m.store_svid) out.storeSvid = e.store_svid;
  if (m.x509_svid_ttl) {
    if (e.x509_svid_ttl < 0) throw new Error('invalid x509_svid_ttl: must not be negative');
    out.x509SvidTtl = e.x509_svid_ttl;
  }
  if (m.jwt_svid_ttl) {
    if (e.jwt_svid_ttl < 0) throw new Error('invalid jwt_svid_ttl: must not be negative');
    out.jwtSvidTtl = e.jwt_svid_ttl;
  }
  if (m.hint) {
    if ((e.hint ?? '').length > HINT_MAX_LENGTH) throw new Error(`hint is too long, max length is ${HINT_MAX_LENGTH} characters`);
    out.hint = e.hint ?? '';
  }
  if (m.additional_attributes && e.additional_attributes) {
    out.additionalAttributes = {
      disableX509SvidPrefetch: e.additional_attributes.disable_x509_svid_prefetch,
      jwtSvidIncludeJti: e.additional_attributes.jwt_svid_include_jti,
    };
  }
  return out;
}

/** The store mask for an update from a wire input mask (none: every field). */
export function storeEntryMask(mask: ProtoEntryMask | null | undefined): RegistrationEntryMask {
  const m = (f: keyof ProtoEntryMask) => !mask || !!mask[f];
  return {
    spiffeId: m('spiffe_id'),
    parentId: m('parent_id'),
    selectors: m('selectors'),
    x509SvidTtl: m('x509_svid_ttl'),
    jwtSvidTtl: m('jwt_svid_ttl'),
    federatesWith: m('federates_with'),
    admin: m('admin'),
    downstream: m('downstream'),
    entryExpiry: m('expires_at'),
    dnsNames: m('dns_names'),
    storeSvid: m('store_svid'),
    hint: m('hint'),
    additionalAttributes: m('additional_attributes'),
  };
}
