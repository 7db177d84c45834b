import { Code, SpireError } from '../../errors.js';
import type { BatchCreateEntryRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/BatchCreateEntryRequest.js';
import type { BatchDeleteEntryRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/BatchDeleteEntryRequest.js';
import type { BatchUpdateEntryRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/BatchUpdateEntryRequest.js';
import type { CountEntriesRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/CountEntriesRequest.js';
import type { GetAuthorizedEntriesRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/GetAuthorizedEntriesRequest.js';
import type { GetEntryRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/GetEntryRequest.js';
import type { ListEntriesRequest__Output } from '../../proto/gen/api/spire/api/server/entry/v1/ListEntriesRequest.js';
import type { RegistrationEntry } from '../../plugins/datastore/contract.js';
import { applyEntryMask, entryFromProto, entryToProto, storeEntryMask, type ProtoEntry, type ProtoEntryMask } from '../convert/entry.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { EntryEncodings } from '../entry-encodings.js';
import { LargeAnswerGate } from '../large-answer-gate.js';
import { Services } from '../proto.js';
import { createStatus, makeErr, makeStatus, okStatus, storeCode, type ApiStatus } from '../status.js';
import { getAuthorizedEntries, syncAuthorizedEntries } from './entry-authorized.js';
import { entryFilterFromProto } from './entry-filters.js';
import { listEntries } from './entry-list.js';
import type { ApiDeps } from './deps.js';
import { assertInScope, inScope, outOfScopeStatus, storedInScope } from './entry-scope-check.js';

/** The most entries one batch request may carry (SPIRE has none; a bound keeps memory flat). */
export const MAX_BATCH_SIZE = 10_000;

/** Throws RESOURCE_EXHAUSTED when a batch holds more than MAX_BATCH_SIZE items. */
export function checkBatch(n: number, field: string): void {
  if (n > MAX_BATCH_SIZE) throw new SpireError(Code.RESOURCE_EXHAUSTED, `too many ${field} in one request: ${n} > ${MAX_BATCH_SIZE}`);
}

function entryAuditFields(e: ProtoEntry | null | undefined): Record<string, string | number | boolean> {
  if (!e) return {};
  const f: Record<string, string | number | boolean> = {};
  if (e.id) f.registration_id = e.id;
  if (e.spiffe_id) f.spiffe_id = `spiffe://${e.spiffe_id.trust_domain}${e.spiffe_id.path}`;
  if (e.parent_id) f.parent_id = `spiffe://${e.parent_id.trust_domain}${e.parent_id.path}`;
  if (e.selectors?.length) f.selectors = e.selectors.map((s) => `${s.type}:${s.value}`).join(',');
  if (e.x509_svid_ttl) f.x509_svid_ttl = e.x509_svid_ttl;
  if (e.jwt_svid_ttl) f.jwt_svid_ttl = e.jwt_svid_ttl;
  if (e.federates_with?.length) f.federates_with = e.federates_with.join(',');
  if (e.dns_names?.length) f.dns_names = e.dns_names.join(',');
  if (e.admin) f.admin = true;
  if (e.downstream) f.downstream = true;
  if (e.expires_at) f.expires_at = e.expires_at;
  if (e.hint) f.hint = e.hint;
  if (e.store_svid) f.store_svid = true;
  return f;
}

/** spire.api.server.entry.v1.Entry (GetAuthorizedEntries/SyncAuthorizedEntries live in entry-authorized.ts). */
export function entryService(deps: ApiDeps): ServiceHandlers {
  const { dataStore: ds, trustDomain: td } = deps;
  const gate = deps.largeAnswers ?? new LargeAnswerGate();
  const encodings = new EntryEncodings();

  function toProto(ctx: CallContext, e: RegistrationEntry, what: string): ProtoEntry {
    try {
      return entryToProto(e);
    } catch (err) {
      throw makeErr(ctx.log, Code.INTERNAL, what, err);
    }
  }

  async function createOne(ctx: CallContext, e: ProtoEntry, mask: ProtoEntryMask | null): Promise<{ status: ApiStatus; entry: ProtoEntry | null }> {
    let entry: RegistrationEntry;
    try {
      entry = entryFromProto(td, e);
    } catch (err) {
      return { status: makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert entry', err), entry: null };
    }
    if (!inScope(ctx, entry)) return { status: outOfScopeStatus(ctx), entry: null };
    try {
      const r = await ds.createOrReturnRegistrationEntry(entry);
      // A similar entry that exists already is answered with that entry: only if it is in scope.
      if (r.existing && !inScope(ctx, r.entry)) return { status: outOfScopeStatus(ctx), entry: null };
      const status = r.existing ? createStatus(Code.ALREADY_EXISTS, 'similar entry already exists') : okStatus();
      return { status, entry: applyEntryMask(entryToProto(r.entry), mask) };
    } catch (err) {
      return { status: makeStatus(ctx.log.child({ spiffe_id: entry.spiffeId }), storeCode(err), 'failed to create entry', err), entry: null };
    }
  }

  async function updateOne(ctx: CallContext, e: ProtoEntry, inMask: ProtoEntryMask | null, outMask: ProtoEntryMask | null): Promise<{ status: ApiStatus; entry: ProtoEntry | null }> {
    let entry: RegistrationEntry;
    try {
      entry = entryFromProto(td, e, inMask);
    } catch (err) {
      return { status: makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert entry', err), entry: null };
    }
    if (!entry.entryId) return { status: makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert entry', new Error('missing entry ID')), entry: null };
    try {
      if ((await storedInScope(ctx, ds, entry.entryId, { entry, mask: storeEntryMask(inMask) })) === false) return { status: outOfScopeStatus(ctx), entry: null };
      const updated = await ds.updateRegistrationEntry(entry, storeEntryMask(inMask));
      return { status: okStatus(), entry: applyEntryMask(entryToProto(updated), outMask) };
    } catch (err) {
      return { status: makeStatus(ctx.log.child({ registration_id: entry.entryId }), storeCode(err), 'failed to update entry', err), entry: null };
    }
  }

  async function deleteOne(ctx: CallContext, id: string): Promise<ApiStatus> {
    if (!id) return makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'missing entry ID');
    const log = ctx.log.child({ registration_id: id });
    try {
      if ((await storedInScope(ctx, ds, id)) === false) return outOfScopeStatus(ctx);
      await ds.deleteRegistrationEntry(id);
      return okStatus();
    } catch (err) {
      if (storeCode(err) === Code.NOT_FOUND) return makeStatus(log, Code.NOT_FOUND, 'entry not found');
      return makeStatus(log, Code.INTERNAL, 'failed to delete entry', err);
    }
  }

  return {
    service: Services.entry,
    bidiStream: {
      SyncAuthorizedEntries: (stream, ctx) => syncAuthorizedEntries(deps, encodings, stream, ctx),
    },
    unary: {
      GetAuthorizedEntries: (req: GetAuthorizedEntriesRequest__Output, ctx) => getAuthorizedEntries(deps, gate, encodings, req, ctx),
      async CountEntries(req: CountEntriesRequest__Output, ctx) {
        const filter = entryFilterFromProto(td, req.filter, ctx.log);
        try {
          return { count: await ds.countRegistrationEntries(filter) };
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count entries', err);
        }
      },
      async ListEntries(req: ListEntriesRequest__Output, ctx) {
        return listEntries(ds, gate, entryFilterFromProto(td, req.filter, ctx.log), req, ctx);
      },
      async GetEntry(req: GetEntryRequest__Output, ctx) {
        if (!req.id) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'missing ID');
        let e;
        try {
          e = await ds.fetchRegistrationEntry(req.id);
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch entry', err);
        }
        if (!e) throw makeErr(ctx.log, Code.NOT_FOUND, 'entry not found');
        assertInScope(ctx, e);
        return applyEntryMask(toProto(ctx, e, 'failed to convert entry'), req.output_mask);
      },
      async BatchCreateEntry(req: BatchCreateEntryRequest__Output, ctx) {
        checkBatch(req.entries.length, 'entries');
        const results = [];
        for (const e of req.entries) {
          const r = await createOne(ctx, e, req.output_mask);
          ctx.audit.item(r.status, entryAuditFields(e));
          results.push(r);
        }
        return { results };
      },
      async BatchUpdateEntry(req: BatchUpdateEntryRequest__Output, ctx) {
        checkBatch(req.entries.length, 'entries');
        const results = [];
        for (const e of req.entries) {
          const r = await updateOne(ctx, e, req.input_mask, req.output_mask);
          ctx.audit.item(r.status, entryAuditFields(e));
          results.push(r);
        }
        return { results };
      },
      async BatchDeleteEntry(req: BatchDeleteEntryRequest__Output, ctx) {
        checkBatch(req.ids.length, 'ids');
        const results = [];
        for (const id of req.ids) {
          const status = await deleteOne(ctx, id);
          ctx.audit.item(status, { registration_id: id });
          results.push({ status, id });
        }
        return { results };
      },
    },
  };
}
