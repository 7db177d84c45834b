import { apiCommand } from '../../api-command.js';
import { sendEntryBatches } from './batches.js';
import { entriesFromData, entryFlags, entryFromFlags } from './create.js';
import type { ProtoEntry } from '../../../api/convert/entry.js';
import { idToProto } from './entry-common.js';

/** `spire-server entry update`: replaces one entry from flags, or many from `-data`. */
export const entryUpdateCommand = apiCommand({
  name: 'entry update',
  synopsis: 'Updates registration entries',
  flags: [{ name: 'entryID', kind: 'string', usage: 'The Registration Entry ID of the record to update', default: '' }, ...entryFlags()],
  output: true,
  async run(ctx) {
    let entries: ProtoEntry[];
    if (ctx.str('data') !== '') {
      entries = await entriesFromData(ctx);
    } else {
      if (ctx.str('entryID') === '') throw new Error('entry ID is required');
      if (ctx.list('selector').length < 1) throw new Error('at least one selector is required');
      if (ctx.str('parentID') === '') throw new Error('a parent ID is required');
      if (ctx.str('spiffeID') === '') throw new Error('a SPIFFE ID is required');
      if (ctx.int('x509SVIDTTL') < 0) throw new Error('a positive x509-SVID TTL is required');
      if (ctx.int('jwtSVIDTTL') < 0) throw new Error('a positive JWT-SVID TTL is required');
      const parent = idToProto(ctx.str('parentID'));
      const spiffe = idToProto(ctx.str('spiffeID'));
      const e = entryFromFlags(ctx, spiffe, parent);
      const prefetchSet = ctx.flags.set.has('disableX509SVIDPrefetch');
      const jtiSet = ctx.flags.set.has('jwtSVIDIncludeJTI');
      if (prefetchSet || jtiSet) {
        // As SPIRE: keep the attribute the user did not name from the stored entry.
        let existing: ProtoEntry;
        try {
          existing = await ctx.client.call<ProtoEntry>('entry', 'GetEntry', { id: ctx.str('entryID') });
        } catch (err) {
          throw new Error(`failed to fetch existing entry to merge additional attributes: ${(err as Error).message}`);
        }
        const attrs = { disable_x509_svid_prefetch: false, jwt_svid_include_jti: false, ...(existing.additional_attributes ?? {}) };
        if (prefetchSet) attrs.disable_x509_svid_prefetch = true;
        if (jtiSet) attrs.jwt_svid_include_jti = true;
        e.additional_attributes = attrs;
      }
      entries = [e];
    }
    await sendEntryBatches(ctx, 'BatchUpdateEntry', entries);
  },
});
