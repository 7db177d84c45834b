import { Code } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { CountRegistrationEntriesRequest } from '../../plugins/datastore/contract.js';
import type { _spire_api_server_entry_v1_ListEntriesRequest_Filter__Output as ListEntriesFilter } from '../../proto/gen/api/spire/api/server/entry/v1/ListEntriesRequest.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { matchFromProto } from '../convert/enums.js';
import { memberIdFromProto, workloadIdFromProto } from '../convert/ids.js';
import { selectorsFromProto } from '../convert/selectors.js';
import { makeErr } from '../status.js';

/**
 * The Filter of CountEntries/ListEntries as proto-loader presents it (generated; the two requests'
 * filters have the same fields).
 */
export type ProtoEntryFilter = ListEntriesFilter;

/** Validates an entry filter; throws INVALID_ARGUMENT with SPIRE's messages. */
export function entryFilterFromProto(td: TrustDomain, f: ProtoEntryFilter | null | undefined, log: Logger): CountRegistrationEntriesRequest {
  const out: CountRegistrationEntriesRequest = {};
  if (!f) return out;
  if (f.by_hint) out.byHint = f.by_hint.value;
  if (f.by_parent_id) {
    try {
      out.byParentId = memberIdFromProto(td, f.by_parent_id).toString();
    } catch (err) {
      throw makeErr(log, Code.INVALID_ARGUMENT, 'malformed parent ID filter', err);
    }
  }
  if (f.by_spiffe_id) {
    try {
      out.bySpiffeId = workloadIdFromProto(td, f.by_spiffe_id).toString();
    } catch (err) {
      throw makeErr(log, Code.INVALID_ARGUMENT, 'malformed SPIFFE ID filter', err);
    }
  }
  if (f.by_selectors) {
    let selectors;
    try {
      selectors = selectorsFromProto(f.by_selectors.selectors ?? []);
      if (selectors.length === 0) throw new Error('empty selector set');
      out.bySelectors = { selectors, match: matchFromProto(f.by_selectors.match) };
    } catch (err) {
      throw makeErr(log, Code.INVALID_ARGUMENT, 'malformed selectors filter', err);
    }
  }
  if (f.by_federates_with) {
    try {
      const tds = (f.by_federates_with.trust_domains ?? []).map((s) => TrustDomain.parse(s).idString());
      if (tds.length === 0) throw new Error('empty trust domain set');
      out.byFederatesWith = { trustDomains: tds, match: matchFromProto(f.by_federates_with.match) };
    } catch (err) {
      throw makeErr(log, Code.INVALID_ARGUMENT, 'malformed federates with filter', err);
    }
  }
  if (f.by_downstream) out.byDownstream = f.by_downstream.value;
  return out;
}
