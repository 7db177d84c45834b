import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import type { RegistrationEntry } from '../contract.js';
import { makeEntry, makeNode, rejectsWith, uid, type SuiteContext } from './context.js';

/** Over-long and malformed input: INVALID_ARGUMENT naming the field, and nothing written. */
export function badInputTests(ctx: SuiteContext): void {
  describe('bad input', () => {
    const cases: [string, Partial<RegistrationEntry>, RegExp][] = [
      ['malformed spiffe_id', { spiffeId: 'http://example.org/x' }, /spiffe_id/],
      ['malformed parent_id', { parentId: 'spiffe://' }, /parent_id/],
      ['over-long spiffe_id', { spiffeId: `spiffe://example.org/${'a'.repeat(3000)}` }, /spiffe_id/],
      ['over-long selector value', { selectors: [{ type: 'unix', value: 'v'.repeat(5000) }] }, /selectors\[0\]\.value/],
      ['empty selector type', { selectors: [{ type: '', value: 'x' }] }, /selectors\[0\]\.type/],
      ['no selectors', { selectors: [] }, /selector/],
      ['over-long hint', { hint: 'h'.repeat(2000) }, /hint/],
      ['over-long DNS name', { dnsNames: ['ok.test', `${'d'.repeat(300)}.test`] }, /dns_names\[1\]/],
      ['negative x509_svid_ttl', { x509SvidTtl: -1 }, /x509_svid_ttl/],
      ['fractional jwt_svid_ttl', { jwtSvidTtl: 1.5 }, /jwt_svid_ttl/],
      ['entry ID with bad characters', { entryId: 'a b/c' }, /entry ID/],
      ['over-long entry ID', { entryId: 'e'.repeat(300) }, /entry_id/],
    ];
    for (const [name, over, msg] of cases) {
      it(`refuses an entry with ${name}, writing nothing`, async () => {
        const parentId = over.parentId ?? `spiffe://example.org/spire/agent/bad/${uid()}`;
        const e = makeEntry({ parentId, ...over });
        const before = await ctx.ds.listRegistrationEntryEvents({});
        await rejectsWith(ctx.ds.createRegistrationEntry(e), Code.INVALID_ARGUMENT, msg);
        if (!over.parentId) assert.equal(await ctx.ds.countRegistrationEntries({ byParentId: parentId }), 0);
        assert.equal((await ctx.ds.listRegistrationEntryEvents({})).length, before.length, 'no event either');
      });
    }

    it('a bad update leaves the entry as it was', async () => {
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ hint: 'keep', dnsNames: ['a.test'] }));
      await rejectsWith(
        ctx.ds.updateRegistrationEntry({ ...e, hint: 'changed', dnsNames: ['x'.repeat(400)] }, { hint: true, dnsNames: true }),
        Code.INVALID_ARGUMENT,
        /dns_names/,
      );
      const after = await ctx.ds.fetchRegistrationEntry(e.entryId);
      assert.equal(after?.hint, 'keep');
      assert.deepEqual(after?.dnsNames, ['a.test']);
      assert.equal(after?.revisionNumber, 0);
    });

    it('refuses a malformed or over-long node', async () => {
      await rejectsWith(ctx.ds.createAttestedNode(makeNode({ spiffeId: 'not-an-id' })), Code.INVALID_ARGUMENT, /spiffe_id/);
      const n = makeNode({ certSerialNumber: 's'.repeat(600) });
      await rejectsWith(ctx.ds.createAttestedNode(n), Code.INVALID_ARGUMENT, /cert_serial_number/);
      assert.equal(await ctx.ds.fetchAttestedNode(n.spiffeId), undefined);
    });

    it('refuses an unknown match behaviour or delete mode', async () => {
      await rejectsWith(
        ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [{ type: 'a', value: 'b' }], match: 'SOMETIMES' as never } }),
        Code.INVALID_ARGUMENT,
      );
      await rejectsWith(ctx.ds.deleteBundle('spiffe://example.org', 'MAYBE' as never), Code.INVALID_ARGUMENT);
    });

    it('treats quotes and SQL in values as plain data', async () => {
      const value = `x'); DROP TABLE registered_entries; -- "${uid()}" ? $1`;
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ selectors: [{ type: 'sql', value }], hint: value }));
      const got = await ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [{ type: 'sql', value }], match: 'EXACT' } });
      assert.deepEqual(
        got.entries.map((x) => x.entryId),
        [e.entryId],
      );
      assert.equal(got.entries[0]!.hint, value);
    });

    it('is case-sensitive for selectors and hints', async () => {
      const v = uid();
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ selectors: [{ type: 'case', value: `Abc-${v}` }] }));
      const lower = await ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [{ type: 'case', value: `abc-${v}` }], match: 'MATCH_ANY' } });
      assert.deepEqual(lower.entries, []);
      const exact = await ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [{ type: 'case', value: `Abc-${v}` }], match: 'MATCH_ANY' } });
      assert.deepEqual(
        exact.entries.map((x) => x.entryId),
        [e.entryId],
      );
    });
  });
}
