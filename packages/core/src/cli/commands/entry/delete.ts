import { apiCommand, readInput } from '../../api-command.js';
import type { BatchDeleteEntryResponse__Output } from '../../../proto/gen/api/spire/api/server/entry/v1/BatchDeleteEntryResponse.js';
import { GoStructReader, goJsonKind, parseGoJson } from '../../../api/convert/go-json.js';
import { EntryTypes, statusSuffix } from './entry-common.js';

/** IDs per BatchDeleteEntry request (the server caps a batch). */
const DELETE_BATCH_SIZE = 1000;

function parseIds(text: string): string[] {
  const doc = parseGoJson(text);
  if (doc === null) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type entryv1.BatchDeleteEntryRequest`);
  return new GoStructReader(doc as Record<string, unknown>, 'BatchDeleteEntryRequest', '').strings('ids');
}

/** `spire-server entry delete`: deletes one entry, or many from `-file` (`{"ids":[...]}`). */
export const entryDeleteCommand = apiCommand({
  name: 'entry delete',
  synopsis: 'Deletes registration entries',
  flags: [
    { name: 'entryID', kind: 'string', usage: 'The Registration Entry ID of the record to delete.', default: '' },
    { name: 'file', kind: 'string', usage: "Path to a file containing a JSON structure for batch deletion (optional). If set to '-', read from stdin.", default: '' },
  ],
  output: true,
  async run(ctx) {
    let ids: string[];
    if (ctx.str('file') !== '') {
      ids = parseIds((await readInput(ctx.str('file'), ctx.io)).toString('utf8'));
    } else {
      if (ctx.str('entryID') === '') throw new Error('an entry ID is required');
      ids = [ctx.str('entryID')];
    }
    const results: BatchDeleteEntryResponse__Output['results'] = [];
    for (let i = 0; i < ids.length || i === 0; i += DELETE_BATCH_SIZE) {
      const res = await ctx.client.call<BatchDeleteEntryResponse__Output>('entry', 'BatchDeleteEntry', { ids: ids.slice(i, i + DELETE_BATCH_SIZE) });
      results.push(...res.results);
      if (ids.length === 0) break;
    }
    if (ctx.json) return ctx.printJson({ type: EntryTypes.delete, msg: { results } });
    const ok = results.filter((r) => r.status!.code === 0);
    const failed = results.filter((r) => r.status!.code !== 0);
    ctx.out(ok.map((r) => `Deleted entry with ID: ${r.id}\n`).join(''));
    if (ok.length > 0) ctx.out('\n\n');
    for (const r of failed) ctx.err(`Failed to delete entry with ID ${r.id} ${statusSuffix(r.status!)}\n`);
    if (failed.length > 0) {
      ctx.out('\n\n');
      ctx.out(ok.length === 0 ? `Failed to delete ${failed.length} entries` : `Deleted ${ok.length} entries successfully, but failed to delete ${failed.length} entries`);
      throw new Error('failed to delete one or more entries');
    }
    ctx.out(`Deleted ${ok.length} entries successfully`);
  },
});
