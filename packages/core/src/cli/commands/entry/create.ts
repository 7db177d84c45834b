import { serverId, SpiffeId } from '../../../spiffeid/index.js';
import { apiCommand, readInput, type ApiCommandContext } from '../../api-command.js';
import type { FlagSpec } from '../../flags.js';
import { parseSelector } from '../../selectors.js';
import { sendEntryBatches } from './batches.js';
import { parseEntriesJson } from '../../../api/convert/entries-json.js';
import type { ProtoEntry } from '../../../api/convert/entry.js';
import { idToProto } from './entry-common.js';

/** Flags `entry create` and `entry update` share, with SPIRE's usage strings. */
export function entryFlags(): FlagSpec[] {
  return [
    { name: 'parentID', kind: 'string', usage: "The SPIFFE ID of this record's parent", default: '' },
    { name: 'spiffeID', kind: 'string', usage: 'The SPIFFE ID that this record represents', default: '' },
    { name: 'x509SVIDTTL', kind: 'int', usage: 'The lifetime, in seconds, for x509-SVIDs issued based on this registration entry.', default: 0 },
    { name: 'jwtSVIDTTL', kind: 'int', usage: 'The lifetime, in seconds, for JWT-SVIDs issued based on this registration entry.', default: 0 },
    { name: 'data', kind: 'string', usage: "Path to a file containing registration JSON (optional). If set to '-', read the JSON from stdin.", default: '' },
    { name: 'selector', kind: 'list', usage: 'A colon-delimited type:value selector. Can be used more than once' },
    { name: 'federatesWith', kind: 'list', usage: 'SPIFFE ID of a trust domain to federate with. Can be used more than once' },
    { name: 'admin', kind: 'bool', usage: "If set, the SPIFFE ID in this entry will be granted access to the SPIRE Server's management APIs" },
    { name: 'storeSVID', kind: 'bool', usage: 'A boolean value that, when set, indicates that the resulting issued SVID from this entry must be stored through an SVIDStore plugin' },
    { name: 'downstream', kind: 'bool', usage: 'A boolean value that, when set, indicates that the entry describes a downstream SPIRE server' },
    { name: 'entryExpiry', kind: 'int', usage: 'An expiry, from epoch in seconds, for the resulting registration entry to be pruned', default: 0 },
    { name: 'dns', kind: 'list', usage: 'A DNS name that will be included in SVIDs issued based on this entry, where appropriate. Can be used more than once' },
    { name: 'hint', kind: 'string', usage: 'The entry hint, used to disambiguate entries with the same SPIFFE ID', default: '' },
    { name: 'disableX509SVIDPrefetch', kind: 'bool', usage: 'A boolean value that, when set, disables prefetching X509 SVID for this entry' },
    { name: 'jwtSVIDIncludeJTI', kind: 'bool', usage: "A boolean value that, when set, includes a unique 'jti' claim in JWT-SVIDs issued for this entry and bypasses the agent JWT-SVID cache" },
  ];
}

/** Checks a TTL flag fits int32, with SPIRE's wording. */
export function int32Ttl(v: number, what: string): number {
  if (v > 2 ** 31 - 1) throw new Error(`invalid value for ${what} TTL: overflow converting int(${v}) to int32`);
  return v;
}

/** Reads `-data` into entries (file or stdin). */
export async function entriesFromData(ctx: ApiCommandContext): Promise<ProtoEntry[]> {
  const data = await readInput(ctx.str('data'), ctx.io);
  return parseEntriesJson(data.toString('utf8'));
}

/** The entry the flags describe (SPIRE's parseConfig); `parent` is the parent ID already chosen. */
export function entryFromFlags(ctx: ApiCommandContext, spiffe: { trust_domain: string; path: string }, parent: { trust_domain: string; path: string }): ProtoEntry {
  const e: ProtoEntry = {
    id: ctx.str('entryID'),
    spiffe_id: spiffe,
    parent_id: parent,
    selectors: [],
    x509_svid_ttl: int32Ttl(ctx.int('x509SVIDTTL'), 'X509 SVID'),
    jwt_svid_ttl: int32Ttl(ctx.int('jwtSVIDTTL'), 'JWT SVID'),
    federates_with: ctx.list('federatesWith'),
    admin: ctx.bool('admin'),
    downstream: ctx.bool('downstream'),
    expires_at: ctx.int('entryExpiry'),
    dns_names: ctx.list('dns'),
    revision_number: 0,
    store_svid: ctx.bool('storeSVID'),
    hint: ctx.str('hint'),
    created_at: 0,
  };
  e.selectors = ctx.list('selector').map(parseSelector);
  return e;
}

/** `spire-server entry create`: creates one entry from flags, or many from `-data`. */
export const entryCreateCommand = apiCommand({
  name: 'entry create',
  synopsis: 'Creates registration entries',
  flags: [
    { name: 'entryID', kind: 'string', usage: 'A custom ID for this registration entry (optional). If not set, a new entry ID will be generated', default: '' },
    ...entryFlags(),
    { name: 'node', kind: 'bool', usage: 'If set, this entry will be applied to matching nodes rather than workloads' },
  ],
  output: true,
  async run(ctx) {
    let entries: ProtoEntry[];
    if (ctx.str('data') !== '') {
      entries = await entriesFromData(ctx);
    } else {
      const node = ctx.bool('node');
      if (ctx.list('selector').length < 1) throw new Error('at least one selector is required');
      if (node && ctx.list('federatesWith').length > 0) throw new Error('node entries can not federate');
      if (ctx.str('parentID') === '' && !node) throw new Error('a parent ID is required if the node flag is not set');
      if (ctx.str('spiffeID') === '') throw new Error('a SPIFFE ID is required');
      if (ctx.int('x509SVIDTTL') < 0) throw new Error('a positive x509-SVID TTL is required');
      if (ctx.int('jwtSVIDTTL') < 0) throw new Error('a positive JWT-SVID TTL is required');
      const spiffe = idToProto(ctx.str('spiffeID'));
      const parent = node ? idToProto(serverId(SpiffeId.parse(ctx.str('spiffeID')).trustDomain).toString()) : idToProto(ctx.str('parentID'));
      const e = entryFromFlags(ctx, spiffe, parent);
      if (ctx.bool('disableX509SVIDPrefetch') || ctx.bool('jwtSVIDIncludeJTI')) {
        e.additional_attributes = { disable_x509_svid_prefetch: ctx.bool('disableX509SVIDPrefetch'), jwt_svid_include_jti: ctx.bool('jwtSVIDIncludeJTI') };
      }
      entries = [e];
    }
    await sendEntryBatches(ctx, 'BatchCreateEntry', entries);
  },
});
