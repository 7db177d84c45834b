import { apiCommand } from '../../api-command.js';
import type { CountEntriesResponse__Output } from '../../../proto/gen/api/spire/api/server/entry/v1/CountEntriesResponse.js';
import { pluralize } from '../../go-format.js';
import { buildFilter, EntryTypes, filterFlags } from './entry-common.js';

/** `spire-server entry count`: counts entries matching the filter flags. */
export const entryCountCommand = apiCommand({
  name: 'entry count',
  synopsis: 'Count registration entries',
  flags: filterFlags('count'),
  output: true,
  async run(ctx) {
    const res = await ctx.client.call<CountEntriesResponse__Output>('entry', 'CountEntries', { filter: buildFilter(ctx) });
    if (ctx.json) return ctx.printJson({ type: EntryTypes.count, msg: res });
    ctx.out(`${pluralize(`${res.count} registration `, 'entry', 'entries', res.count)}\n`);
  },
});
