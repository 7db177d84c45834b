import { Code, SpireError } from '../../errors.js';
import type { CountRegistrationEntriesRequest, DataStore, RegistrationEntry } from '../../plugins/datastore/contract.js';
import { applyEntryMask, entryToProto, type ProtoEntryMask } from '../convert/entry.js';
import type { CallContext } from '../handler.js';
import type { LargeAnswerGate } from '../large-answer-gate.js';
import { pageFromRequest } from '../pagination.js';
import { apiMessageType, appendInSlices, EncodedResponse, RepeatedFieldEncoder } from '../sliced-encoding.js';
import { makeErr, storeCode } from '../status.js';
import { visibleEntries } from './entry-scope-check.js';

/**
 * Store entries read per step while an unpaged list is built (the store's largest page): between
 * steps the event loop serves other calls, and only one step's objects are alive at a time.
 */
export const LIST_READ_BATCH = 1000;

const LIST_RESPONSE = 'spire.api.server.entry.v1.ListEntriesResponse';

function isEmptyFilter(f: CountRegistrationEntriesRequest): boolean {
  return Object.values(f).every((v) => v === undefined);
}

/**
 * Every entry matching `filter`, in the store's order, one batch at a time. Without a filter it is
 * the store's scan (one consistent snapshot; SQLite reads it on a thread of its own). With one, it
 * is the store's pages of LIST_READ_BATCH entries, read one after another; like paging through
 * ListEntries, entries written meanwhile may or may not be seen.
 */
async function* entryBatches(ds: DataStore, filter: CountRegistrationEntriesRequest): AsyncGenerator<RegistrationEntry[]> {
  if (isEmptyFilter(filter)) {
    yield* ds.scanRegistrationEntries({ batchSize: LIST_READ_BATCH });
    return;
  }
  let token = '';
  do {
    const res = await ds.listRegistrationEntries({ ...filter, pagination: { pageSize: LIST_READ_BATCH, token } });
    if (res.entries.length > 0) yield res.entries;
    token = res.pagination?.token ?? '';
  } while (token !== '');
}

function listFailed(ctx: CallContext, err: unknown): Error {
  return makeErr(ctx.log, storeCode(err) === Code.INVALID_ARGUMENT ? Code.INVALID_ARGUMENT : Code.INTERNAL, 'failed to list entries', err);
}

/**
 * ListEntries, answered as pre-encoded bytes (the same bytes grpc-js would make from the plain
 * response). A page (page_size > 0, at most 1000 entries) is one store read. An unpaged list
 * waits for a turn at `gate`, then reads the store in batches and converts and encodes the entries
 * in slices, yielding to the event loop between them, so small calls keep their latency while it
 * is built. Throws INVALID_ARGUMENT for bad paging or filters (as the store reports them),
 * INTERNAL when the store or an entry's conversion fails, CANCELLED when the client goes away.
 */
export async function listEntries(
  ds: DataStore,
  gate: LargeAnswerGate,
  filter: CountRegistrationEntriesRequest,
  req: { output_mask: ProtoEntryMask | null; page_size: number; page_token: string },
  ctx: CallContext,
): Promise<EncodedResponse> {
  const pagination = pageFromRequest(req.page_size, req.page_token);
  const enc = new RepeatedFieldEncoder(apiMessageType(LIST_RESPONSE), 'entries');
  const convert = (e: RegistrationEntry) => {
    try {
      return applyEntryMask(entryToProto(e), req.output_mask);
    } catch (err) {
      throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert entry', err);
    }
  };
  if (pagination) {
    let res;
    try {
      res = await ds.listRegistrationEntries({ ...filter, pagination });
    } catch (err) {
      throw listFailed(ctx, err);
    }
    await appendInSlices(enc, visibleEntries(ctx, res.entries), convert);
    return await enc.finish({ next_page_token: res.pagination?.token ?? '' });
  }
  return gate.run(ctx.signal, async () => {
    await appendAllEntries(ds, filter, enc, convert, ctx.signal, (err) => listFailed(ctx, err), (list) => visibleEntries(ctx, list));
    return await enc.finish({ next_page_token: '' });
  });
}

/**
 * Appends every entry matching `filter` to `enc`: the store read in batches (see `entryBatches`),
 * each batch converted and encoded in slices that yield to the event loop. A store failure is
 * thrown as `storeFailed` makes it; a conversion failure as `convert` throws it; CANCELLED when
 * `signal` aborts (the store's read ends with it). `keep` picks the entries of each batch the caller
 * may see (an authorization policy's entry scope; all of them by default). Callers hold a turn at
 * the large-answer gate.
 */
export async function appendAllEntries(
  ds: DataStore,
  filter: CountRegistrationEntriesRequest,
  enc: RepeatedFieldEncoder,
  convert: (e: RegistrationEntry) => object,
  signal: AbortSignal,
  storeFailed: (err: unknown) => Error,
  keep: (list: RegistrationEntry[]) => RegistrationEntry[] = (list) => list,
): Promise<void> {
  const batches = entryBatches(ds, filter);
  for (;;) {
    let next: IteratorResult<RegistrationEntry[]>;
    try {
      next = await batches.next();
    } catch (err) {
      throw storeFailed(err);
    }
    if (next.done) return;
    try {
      await appendInSlices(enc, keep(next.value), convert);
      if (signal.aborted) throw new SpireError(Code.CANCELLED, 'the client went away');
    } catch (err) {
      await batches.return(undefined);
      throw err;
    }
  }
}
