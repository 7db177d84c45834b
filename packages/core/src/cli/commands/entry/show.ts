import { apiCommand } from '../../api-command.js';
import { pluralize } from '../../go-format.js';
import { writeAll } from '../../output.js';
import type { ProtoEntry } from '../../../api/convert/entry.js';
import { buildFilter, EntryTypes, filterFlags, formatEntry, sortEntries } from './entry-common.js';

/** Entries per ListEntries page, as SPIRE's CLI asks. */
const PAGE_SIZE = 500;

/** `spire-server entry show`: lists entries (all pages) matching the filters, sorted as SPIRE sorts. */
export const entryShowCommand = apiCommand({
  name: 'entry show',
  synopsis: 'Displays configured registration entries',
  flags: [{ name: 'entryID', kind: 'string', usage: 'The Entry ID of the records to show', default: '' }, ...filterFlags('show')],
  output: true,
  async run(ctx) {
    const entryID = ctx.str('entryID');
    const entries: ProtoEntry[] = [];
    if (entryID !== '') {
      if (ctx.str('parentID') !== '' || ctx.str('spiffeID') !== '' || ctx.list('selector').length > 0) {
        throw new Error("the -entryID flag can't be combined with others");
      }
      try {
        entries.push(await ctx.client.call<ProtoEntry>('entry', 'GetEntry', { id: entryID }));
      } catch (err) {
        throw new Error(`error fetching entry ID ${entryID}: ${(err as Error).message}`);
      }
    } else {
      const filter = buildFilter(ctx);
      let token = '';
      do {
        let res: { entries: ProtoEntry[]; next_page_token: string };
        try {
          res = await ctx.client.call('entry', 'ListEntries', { filter, page_size: PAGE_SIZE, page_token: token });
        } catch (err) {
          throw new Error(`error fetching entries: ${(err as Error).message}`);
        }
        for (const e of res.entries) entries.push(e);
        token = res.next_page_token;
      } while (token !== '');
    }
    sortEntries(entries);
    if (ctx.json) return ctx.printJson({ type: EntryTypes.list, msg: { entries, next_page_token: '' } });
    await writeAll(ctx.io.stdout, `${pluralize(`Found ${entries.length} `, 'entry', 'entries', entries.length)}\n`);
    let chunk = '';
    for (const e of entries) {
      chunk += formatEntry(e);
      if (chunk.length > 64 * 1024) {
        await writeAll(ctx.io.stdout, chunk);
        chunk = '';
      }
    }
    await writeAll(ctx.io.stdout, chunk);
  },
});
