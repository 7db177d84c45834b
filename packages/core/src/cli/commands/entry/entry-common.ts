import type { ProtoEntry } from '../../../api/convert/entry.js';
import type { Status__Output } from '../../../proto/gen/api/spire/api/types/Status.js';
import { SpiffeId } from '../../../spiffeid/index.js';
import { codeName } from '../../../errors.js';
import { goQuote, goTimeUtc } from '../../go-format.js';
import { cmp, compareSelectors, matchBehavior, parseSelector } from '../../selectors.js';
import type { FlagSpec } from '../../flags.js';

/** A per-item status from a batch RPC (generated). */
export type ProtoStatus = Status__Output;

/** Full proto names used for JSON output. */
export const EntryTypes = {
  entry: 'spire.api.types.Entry',
  list: 'spire.api.server.entry.v1.ListEntriesResponse',
  count: 'spire.api.server.entry.v1.CountEntriesResponse',
  create: 'spire.api.server.entry.v1.BatchCreateEntryResponse',
  update: 'spire.api.server.entry.v1.BatchUpdateEntryResponse',
  delete: 'spire.api.server.entry.v1.BatchDeleteEntryResponse',
} as const;

/** `spiffe://<td><path>` from the API's SPIFFEID (empty when absent). */
export function idString(id: { trust_domain: string; path: string } | null | undefined): string {
  return id ? `spiffe://${id.trust_domain}${id.path}` : '';
}

/** A SPIFFE ID string as the API's SPIFFEID; throws go-spiffe's message when invalid. */
export function idToProto(s: string): { trust_domain: string; path: string } {
  const id = SpiffeId.parse(s);
  return { trust_domain: id.trustDomain.name, path: id.path };
}

/** One entry block, labels padded to 24 columns, optional lines only when set, blank line after. */
export function formatEntry(e: ProtoEntry): string {
  const lines: string[] = [];
  const line = (label: string, v: string | number | boolean) => lines.push(`${label.padEnd(24)}: ${v}`);
  line('Entry ID', e.id === '' ? '(none)' : e.id);
  line('SPIFFE ID', idString(e.spiffe_id));
  line('Parent ID', idString(e.parent_id));
  line('Revision', Number(e.revision_number ?? 0));
  if (e.downstream) line('Downstream', true);
  line('X509-SVID TTL', e.x509_svid_ttl ? e.x509_svid_ttl : 'default');
  line('JWT-SVID TTL', e.jwt_svid_ttl ? e.jwt_svid_ttl : 'default');
  if (Number(e.expires_at ?? 0) !== 0) line('Expiration time', goTimeUtc(Number(e.expires_at)));
  for (const s of e.selectors ?? []) line('Selector', `${s.type}:${s.value}`);
  for (const td of e.federates_with ?? []) line('FederatesWith', td);
  for (const d of e.dns_names ?? []) line('DNS name', d);
  if (e.admin) line('Admin', true);
  if (e.store_svid) line('StoreSvid', true);
  if (e.hint) line('Hint', e.hint);
  if (e.additional_attributes) {
    if (e.additional_attributes.disable_x509_svid_prefetch) line('DisableX509SvidPrefetch', true);
    if (e.additional_attributes.jwt_svid_include_jti) line('JwtSvidIncludeJti', true);
  }
  return `${lines.join('\n')}\n\n`;
}

/** `(code: NotFound, msg: "...")` as SPIRE prints a failed item. */
export function statusSuffix(s: ProtoStatus): string {
  return `(code: ${codeName(s.code)}, msg: ${goQuote(s.message)})`;
}

/** Sorts selectors within each entry, then entries, in SPIRE's order (in place). */
export function sortEntries(entries: ProtoEntry[]): void {
  for (const e of entries) e.selectors?.sort(compareSelectors);
  entries.sort((a, b) => {
    const r =
      cmp(a.spiffe_id?.trust_domain ?? '', b.spiffe_id?.trust_domain ?? '') ||
      cmp(a.spiffe_id?.path ?? '', b.spiffe_id?.path ?? '') ||
      cmp(a.parent_id?.trust_domain ?? '', b.parent_id?.trust_domain ?? '') ||
      cmp(a.parent_id?.path ?? '', b.parent_id?.path ?? '') ||
      a.x509_svid_ttl - b.x509_svid_ttl ||
      a.jwt_svid_ttl - b.jwt_svid_ttl;
    if (r !== 0) return r;
    const sa = a.selectors ?? [];
    const sb = b.selectors ?? [];
    if (sa.length !== sb.length) return sa.length - sb.length;
    for (let i = 0; i < sa.length; i++) {
      const c = compareSelectors(sa[i]!, sb[i]!);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The filter flags shared by `entry show` and `entry count`. */
export function filterFlags(verb: 'show' | 'count'): FlagSpec[] {
  return [
    { name: 'parentID', kind: 'string', usage: `The Parent ID of the records to ${verb}`, default: '' },
    { name: 'spiffeID', kind: 'string', usage: `The SPIFFE ID of the records to ${verb}`, default: '' },
    { name: 'downstream', kind: 'bool', usage: 'A boolean value that, when set, indicates that the entry describes a downstream SPIRE server' },
    { name: 'selector', kind: 'list', usage: 'A colon-delimited type:value selector. Can be used more than once' },
    { name: 'federatesWith', kind: 'list', usage: 'SPIFFE ID of a trust domain an entry is federate with. Can be used more than once' },
    { name: 'matchFederatesWithOn', kind: 'string', usage: 'The match mode used when filtering by federates with. Options: exact, any, superset and subset', default: 'superset' },
    { name: 'matchSelectorsOn', kind: 'string', usage: 'The match mode used when filtering by selectors. Options: exact, any, superset and subset', default: 'superset' },
    { name: 'hint', kind: 'string', usage: `The Hint of the records to ${verb} (optional)`, default: '' },
  ];
}

/** Builds the List/CountEntries filter from the filter flags; throws SPIRE's messages. */
export function buildFilter(get: { str(n: string): string; bool(n: string): boolean; list(n: string): string[] }): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const parentID = get.str('parentID');
  if (parentID) {
    try {
      filter.by_parent_id = idToProto(parentID);
    } catch (err) {
      throw new Error(`error parsing parent ID ${goQuote(parentID)}: ${(err as Error).message}`);
    }
  }
  const spiffeID = get.str('spiffeID');
  if (spiffeID) {
    try {
      filter.by_spiffe_id = idToProto(spiffeID);
    } catch (err) {
      throw new Error(`error parsing SPIFFE ID ${goQuote(spiffeID)}: ${(err as Error).message}`);
    }
  }
  const selectors = get.list('selector');
  if (selectors.length > 0) {
    const match = matchBehavior(get.str('matchSelectorsOn'), (m) => `match behavior ${goQuote(m)} unknown`);
    const parsed = selectors.map((s) => {
      try {
        return parseSelector(s);
      } catch (err) {
        throw new Error(`error parsing selectors: ${(err as Error).message}`);
      }
    });
    filter.by_selectors = { selectors: parsed, match };
  }
  const fw = get.list('federatesWith');
  if (fw.length > 0) {
    const match = matchBehavior(get.str('matchFederatesWithOn'), (m) => `match behavior ${goQuote(m)} unknown`);
    filter.by_federates_with = { trust_domains: fw, match };
  }
  const hint = get.str('hint');
  if (hint) filter.by_hint = { value: hint };
  filter.by_downstream = { value: get.bool('downstream') };
  return filter;
}
