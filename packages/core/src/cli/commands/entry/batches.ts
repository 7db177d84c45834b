import type { ApiCommandContext } from '../../api-command.js';
import type { _spire_api_server_entry_v1_BatchCreateEntryResponse_Result__Output, BatchCreateEntryResponse__Output } from '../../../proto/gen/api/spire/api/server/entry/v1/BatchCreateEntryResponse.js';
import { isTty, writeAll } from '../../output.js';
import type { ProtoEntry } from '../../../api/convert/entry.js';
import { formatEntry, statusSuffix } from './entry-common.js';

/**
 * Entries per BatchCreate/BatchUpdate request. The server caps a batch (10,000 in this server;
 * SPIRE bounds only the 4 MiB message), so large files go in slices small enough for both.
 */
export const ENTRY_BATCH_SIZE = 500;

/** One result of BatchCreateEntry or BatchUpdateEntry (the two have the same fields; generated). */
type Result = _spire_api_server_entry_v1_BatchCreateEntryResponse_Result__Output;

/**
 * Sends `entries` in batches with `method` (BatchCreateEntry or BatchUpdateEntry) and prints as
 * SPIRE does: every entry that succeeded on stdout (in order), then each failure on stderr as
 * `Failed to <verb> the following entry (code: X, msg: "..."):` with the entry as given. Shows
 * `<Verb> entries: n/total` on stderr only when stderr is a terminal. In JSON mode prints one
 * response holding every result. Throws when any entry failed (pretty mode) or a call failed.
 */
export async function sendEntryBatches(ctx: ApiCommandContext, method: 'BatchCreateEntry' | 'BatchUpdateEntry', entries: ProtoEntry[]): Promise<void> {
  const verb = method === 'BatchCreateEntry' ? 'create' : 'update';
  const progress = entries.length > ENTRY_BATCH_SIZE && isTty(ctx.io.stderr);
  const failed: Result[] = [];
  const all: Result[] = [];
  let done = 0;
  for (let i = 0; i < entries.length || (i === 0 && entries.length === 0); i += ENTRY_BATCH_SIZE) {
    const batch = entries.slice(i, i + ENTRY_BATCH_SIZE);
    let res: BatchCreateEntryResponse__Output;
    try {
      res = await ctx.client.call<BatchCreateEntryResponse__Output>('entry', method, { entries: batch });
    } catch (err) {
      if (progress) ctx.err('\n');
      if (done === 0) throw err;
      throw new Error(`${(err as Error).message} (after ${done} of ${entries.length} entries were sent)`);
    }
    let out = '';
    res.results.forEach((r, j) => {
      if (r.status!.code !== 0) r.entry = batch[j] ?? r.entry;
      if (ctx.json) all.push(r);
      else if (r.status!.code === 0 && r.entry) out += formatEntry(r.entry);
      else failed.push(r);
    });
    await writeAll(ctx.io.stdout, out);
    done += batch.length;
    if (progress) ctx.err(`\r${verb === 'create' ? 'Creating' : 'Updating'} entries: ${done}/${entries.length}`);
    if (entries.length === 0) break;
  }
  if (progress) ctx.err('\n');
  if (ctx.json) {
    await ctx.printJson({ type: `spire.api.server.entry.v1.Batch${verb === 'create' ? 'Create' : 'Update'}EntryResponse`, msg: { results: all } });
    return;
  }
  for (const r of failed) {
    await writeAll(ctx.io.stderr, `Failed to ${verb} the following entry ${statusSuffix(r.status!)}:\n${r.entry ? formatEntry(r.entry) : '\n'}`);
  }
  if (failed.length > 0) throw new Error(`failed to ${verb} one or more entries`);
}
