import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import type { RegistrationEntry } from '../contract.js';
import { makeEntry, makeNode, rejectsWith, uid, type SuiteContext } from './context.js';

/** Over-long and malformed input: INVALID_ARGUMENT naming the field, and nothing written. */
export function badInputTests(ctx: SuiteContext): void {
  describe('bad input', () => {
    // SPIRE's datastore-validation messages where SPIRE makes the check, in its words; the
    // store's own column and format checks with the same prefix, naming the field.
    const bad = 'datastore-validation: invalid registration entry: ';
    const exactly = (m: string) => new RegExp(`^${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const cases: [string, Partial<RegistrationEntry>, RegExp][] = [
      ['malformed spiffe_id', { spiffeId: 'http://example.org/x' }, new RegExp(`^${bad}spiffe_id is malformed: `)],
      ['malformed parent_id', { parentId: 'spiffe://' }, new RegExp(`^${bad}parent_id is malformed: `)],
      ['over-long spiffe_id', { spiffeId: `spiffe://example.org/${'a'.repeat(3000)}` }, exactly(`${bad}spiffe_id is longer than 2048 bytes`)],
      ['over-long selector value', { selectors: [{ type: 'unix', value: 'v'.repeat(5000) }] }, exactly(`${bad}selectors[0].value is longer than 1024 bytes`)],
      ['empty selector type', { selectors: [{ type: '', value: 'x' }] }, exactly(`${bad}selectors[0].type is required`)],
      ['no selectors', { selectors: [] }, exactly(`${bad}missing selector list`)],
      ['no SPIFFE ID', { spiffeId: '' }, exactly(`${bad}missing SPIFFE ID`)],
      ['over-long hint', { hint: 'h'.repeat(2000) }, exactly(`${bad}hint is longer than 1024 bytes`)],
      ['over-long DNS name', { dnsNames: ['ok.test', `${'d'.repeat(300)}.test`] }, exactly(`${bad}dns_names[1] is longer than 255 bytes`)],
      ['negative x509_svid_ttl', { x509SvidTtl: -1 }, exactly(`${bad}X509SvidTtl is not set`)],
      ['negative jwt_svid_ttl', { jwtSvidTtl: -1 }, exactly(`${bad}JwtSvidTtl is not set`)],
      ['fractional jwt_svid_ttl', { jwtSvidTtl: 1.5 }, exactly(`${bad}jwt_svid_ttl must be an integer from 0 to 2147483647`)],
      ['entry ID with bad characters', { entryId: 'a b/c' }, exactly(`${bad}entry ID contains invalid characters`)],
      ['over-long entry ID', { entryId: 'e'.repeat(256) }, exactly(`${bad}entry ID too long`)],
      [
        'store_svid and mixed selector types',
        { storeSvid: true, selectors: [{ type: 'unix', value: 'uid:1' }, { type: 'k8s', value: 'ns:a' }] },
        exactly(`${bad}selector types must be the same when store SVID is enabled`),
      ],
      [
        'store_svid and no X509-SVID prefetch',
        { storeSvid: true, additionalAttributes: { disableX509SvidPrefetch: true, jwtSvidIncludeJti: false } },
        exactly('datastore-validation: specifying cache behaviour is incompatible with storable SVIDs'),
      ],
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
        /^datastore-validation: invalid registration entry: dns_names\[0\] is longer than 255 bytes$/,
      );
      await rejectsWith(
        ctx.ds.updateRegistrationEntry({ ...e, storeSvid: true, selectors: [{ type: 'a', value: '1' }, { type: 'b', value: '2' }] }, { storeSvid: true, selectors: true }),
        Code.INVALID_ARGUMENT,
        /^datastore-validation: invalid registration entry: selector types must be the same when store SVID is enabled$/,
      );
      const after = await ctx.ds.fetchRegistrationEntry(e.entryId);
      assert.equal(after?.hint, 'keep');
      assert.deepEqual(after?.dnsNames, ['a.test']);
      assert.equal(after?.revisionNumber, 0);
    });

    it('refuses a malformed or over-long node', async () => {
      await rejectsWith(ctx.ds.createAttestedNode(makeNode({ spiffeId: 'not-an-id' })), Code.INVALID_ARGUMENT, /^datastore-validation: spiffe_id is malformed: /);
      const n = makeNode({ certSerialNumber: 's'.repeat(600) });
      await rejectsWith(ctx.ds.createAttestedNode(n), Code.INVALID_ARGUMENT, /^datastore-validation: cert_serial_number is longer than 255 bytes$/);
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
