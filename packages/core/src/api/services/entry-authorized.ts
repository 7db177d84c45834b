import { Code, SpireError } from '../../errors.js';
import type { RegistrationEntry } from '../../plugins/datastore/contract.js';
import { applyEntryMask, entryToProto, type ProtoEntry, type ProtoEntryMask } from '../convert/entry.js';
import { entryMaskKey, type EntryEncodings } from '../entry-encodings.js';
import type { BidiStream, CallContext } from '../handler.js';
import type { LargeAnswerGate } from '../large-answer-gate.js';
import { apiMessageType, appendInSlices, RepeatedFieldEncoder, yieldToLoop, type EncodedResponse } from '../sliced-encoding.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

/** SPIRE's SyncAuthorizedEntries page size: above it, revisions are sent first. */
export const DEFAULT_ENTRY_PAGE_SIZE = 500;

/**
 * The most (estimated) bytes of entries one response carries: well below the 4 MiB a default
 * gRPC client accepts, so no agent is stopped by a message-size limit however large its entries.
 */
export const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** An upper estimate of an entry's encoded size (protobuf adds a few bytes per field). */
function estimateBytes(e: RegistrationEntry): number {
  let n = 128 + e.entryId.length + e.spiffeId.length + e.parentId.length + e.hint.length;
  for (const s of e.selectors) n += 8 + s.type.length + s.value.length;
  for (const d of e.dnsNames) n += 4 + d.length;
  for (const f of e.federatesWith) n += 4 + f.length;
  return n;
}

async function fetchEntries(deps: ApiDeps, ctx: CallContext): Promise<RegistrationEntry[]> {
  const callerId = ctx.caller.svid?.id.toString();
  if (!callerId) throw makeErr(ctx.log, Code.INTERNAL, 'caller ID missing from request context');
  if (!deps.authorizedEntries) throw makeErr(ctx.log, Code.UNIMPLEMENTED, 'authorized entries are not available in this server');
  try {
    return await deps.authorizedEntries.fetchAuthorizedEntries(callerId);
  } catch (err) {
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch entries', err);
  }
}

function toProto(ctx: CallContext, e: RegistrationEntry, mask: ProtoEntryMask | null | undefined): ProtoEntry {
  try {
    return applyEntryMask(entryToProto(e), mask);
  } catch (err) {
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert entry', err);
  }
}

/**
 * Appends `entries`, masked, to `enc` in slices that yield to the event loop (as `appendInSlices`),
 * each entry's encoding taken from `encodings` when it has not changed since it was last sent.
 */
async function appendEntries(ctx: CallContext, enc: RepeatedFieldEncoder, encodings: EntryEncodings, entries: readonly RegistrationEntry[], mask: ProtoEntryMask | null | undefined): Promise<void> {
  const key = entryMaskKey(mask);
  await appendInSlices(enc, entries, (e) => encodings.get(e, key, () => enc.encodeItem(toProto(ctx, e, mask))), undefined, true);
}

/**
 * GetAuthorizedEntries: every entry the calling agent is authorized for, masked, answered as
 * pre-encoded bytes built in slices that yield to the event loop (unchanged entries' encodings
 * come from `encodings`). Above the entry page size the
 * answer waits for a turn at `gate` (a large answer) before it is built.
 */
export async function getAuthorizedEntries(deps: ApiDeps, gate: LargeAnswerGate, encodings: EntryEncodings, req: { output_mask: ProtoEntryMask | null }, ctx: CallContext): Promise<EncodedResponse> {
  const entries = await fetchEntries(deps, ctx);
  const build = async () => {
    const enc = new RepeatedFieldEncoder(apiMessageType('spire.api.server.entry.v1.GetAuthorizedEntriesResponse'), 'entries');
    await appendEntries(ctx, enc, encodings, entries, req.output_mask);
    return await enc.finish({});
  };
  return entries.length > (deps.entryPageSize ?? DEFAULT_ENTRY_PAGE_SIZE) ? gate.run(ctx.signal, build) : build();
}

/**
 * SyncAuthorizedEntries, as SPIRE: the first request carries the output mask (no IDs, revision
 * number not masked). Up to the page size (and MAX_RESPONSE_BYTES), the entries come back in one
 * response; above it,
 * pages of entry revisions (id, revision, created_at) with `more`, then each later request's IDs
 * are answered with full entries in pages, `more` marking all but the last page. Ends when the
 * client half-closes.
 */
export async function syncAuthorizedEntries(deps: ApiDeps, encodings: EntryEncodings, stream: BidiStream, ctx: CallContext): Promise<void> {
  const pageSize = deps.entryPageSize ?? DEFAULT_ENTRY_PAGE_SIZE;
  const entries = await fetchEntries(deps, ctx);
  const first = (await stream.recv()) as { output_mask: ProtoEntryMask | null; ids: string[] } | undefined;
  if (!first) return;
  if (first.ids.length > 0) throw new SpireError(Code.INVALID_ARGUMENT, 'specifying IDs on initial request is not supported');
  if (first.output_mask && !first.output_mask.revision_number) throw new SpireError(Code.INVALID_ARGUMENT, 'revision number cannot be masked');
  const mask = first.output_mask;

  // Pages of full entries are encoded in slices that yield (sliced-encoding.ts).
  const sendEntries = async (page: readonly RegistrationEntry[], more: boolean) => {
    const enc = new RepeatedFieldEncoder(apiMessageType('spire.api.server.entry.v1.SyncAuthorizedEntriesResponse'), 'entries');
    await appendEntries(ctx, enc, encodings, page, mask);
    await stream.send(await enc.finish({ entry_revisions: [], more }));
  };
  if (entries.length <= pageSize && entries.reduce((n, e) => n + estimateBytes(e), 0) <= MAX_RESPONSE_BYTES) {
    await sendEntries(entries, false);
    return;
  }
  for (let i = 0; i < entries.length; i += pageSize) {
    // A page of revisions is small; other calls run between pages.
    await yieldToLoop();
    const page = entries.slice(i, i + pageSize);
    await stream.send({
      entry_revisions: page.map((e) => ({ id: e.entryId, revision_number: e.revisionNumber, created_at: e.createdAt })),
      entries: [],
      more: i + pageSize < entries.length,
    });
  }
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  for (;;) {
    let req: { ids: string[] } | undefined;
    try {
      req = (await stream.recv()) as { ids: string[] } | undefined;
    } catch {
      return; // The client went away: normal at the end of a sync.
    }
    if (!req) return;
    let out: RegistrationEntry[] = [];
    let bytes = 0;
    for (const id of [...req.ids].sort()) {
      const e = byId.get(id);
      if (!e) continue;
      const size = estimateBytes(e);
      if (out.length === pageSize || (out.length > 0 && bytes + size > MAX_RESPONSE_BYTES)) {
        await sendEntries(out, true);
        out = [];
        bytes = 0;
      }
      out.push(e);
      bytes += size;
    }
    await sendEntries(out, false);
  }
}
