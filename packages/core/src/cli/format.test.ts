import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeName } from '../errors.js';
import { goQuote, goTimeUtc, pluralize } from './go-format.js';
import { protoJsonText } from './protojson.js';
import { parseEntriesJson } from '../api/convert/entries-json.js';
import type { ProtoEntry } from '../api/convert/entry.js';
import { formatEntry, sortEntries } from './commands/entry/entry-common.js';

test('Go-style values: %q, code names, UTC time, plurals', () => {
  assert.equal(goQuote('say "hi"\n\ttab\\ é'), '"say \\"hi\\"\\n\\ttab\\\\ é"');
  assert.equal(goQuote('\x01'), '"\\x01"');
  assert.equal(codeName(5), 'NotFound');
  assert.equal(codeName(16), 'Unauthenticated');
  assert.equal(codeName(99), 'Code(99)');
  assert.equal(goTimeUtc(0), '1970-01-01 00:00:00 +0000 UTC');
  assert.equal(pluralize('Found 1 ', 'entry', 'entries', 1), 'Found 1 entry');
  assert.equal(pluralize('Found 0 ', 'entry', 'entries', 0), 'Found 0 entries');
});

test('protojson: proto names, every field, int64 as string, enums by name, bytes base64, absent messages dropped, sorted keys', () => {
  const text = protoJsonText([
    {
      type: 'spire.api.types.Bundle',
      msg: { trust_domain: 'a.org', x509_authorities: [{ asn1: Buffer.from([1, 2, 3]), tainted: false }], jwt_authorities: [], refresh_hint: 5, sequence_number: 7, wit_authorities: [] },
    },
  ]);
  assert.equal(text, '{"jwt_authorities":[],"refresh_hint":"5","sequence_number":"7","trust_domain":"a.org","wit_authorities":[],"x509_authorities":[{"asn1":"AQID","tainted":false}]}\n');
  const two = protoJsonText([
    { type: 'spire.api.types.Logger', msg: { current_level: 'DEBUG', launch_level: 'INFO' } },
    { type: 'spire.api.server.entry.v1.CountEntriesResponse', msg: { count: 3 } },
  ]);
  assert.equal(two, '[{"current_level":"DEBUG","launch_level":"INFO"},{"count":3}]\n');
  const entry = protoJsonText([{ type: 'spire.api.types.Entry', msg: { id: 'x', spiffe_id: null, parent_id: null, selectors: [], additional_attributes: null } }]);
  assert.doesNotMatch(entry, /spiffe_id|additional_attributes/);
  assert.match(entry, /"expires_at":"0"/);
});

test('entries file: SPIRE field names, case-insensitive keys, conversion to API entries', () => {
  const [e] = parseEntriesJson(
    JSON.stringify({
      Entries: [
        {
          SPIFFE_ID: 'spiffe://example.org/w',
          parent_id: 'spiffe://example.org/p',
          selectors: [{ type: 'unix', value: 'uid:1' }],
          x509_svid_ttl: 10,
          jwt_svid_ttl: 20,
          federates_with: ['spiffe://other.org'],
          entryExpiry: 99,
          dns_names: ['d'],
          admin: true,
          downstream: true,
          store_svid: true,
          hint: 'h',
          entry_id: 'id1',
          unknown_field: 'ignored',
        },
      ],
    }),
  );
  assert.deepEqual(e, {
    id: 'id1',
    spiffe_id: { trust_domain: 'example.org', path: '/w' },
    parent_id: { trust_domain: 'example.org', path: '/p' },
    selectors: [{ type: 'unix', value: 'uid:1' }],
    x509_svid_ttl: 10,
    jwt_svid_ttl: 20,
    federates_with: ['other.org'],
    admin: true,
    downstream: true,
    expires_at: 99,
    dns_names: ['d'],
    revision_number: 0,
    store_svid: true,
    hint: 'h',
    created_at: 0,
  });
  assert.deepEqual(parseEntriesJson('null'), []);
  assert.deepEqual(parseEntriesJson('{}'), []);
  assert.throws(() => parseEntriesJson('[]'), { message: 'json: cannot unmarshal array into Go value of type common.RegistrationEntries' });
  assert.throws(() => parseEntriesJson('{"entries":[null]}'), { message: 'missing registration entry' });
  assert.throws(() => parseEntriesJson('{"entries":[{"spiffe_id":"spiffe://a.org/x","parent_id":"spiffe://a.org/p","x509_svid_ttl":1.5}]}'), {
    message: 'json: cannot unmarshal number 1.5 into Go struct field RegistrationEntry.entries.x509_svid_ttl of type int32',
  });
  assert.throws(() => parseEntriesJson('{"entries":[{"spiffe_id":"spiffe://a.org/x","parent_id":""}]}'), { message: 'invalid parent ID: cannot be empty' });
  assert.throws(() => parseEntriesJson('{"entries":[{"spiffe_id":"spiffe://a.org/x","parent_id":"spiffe://a.org/p","federates_with":["spiffe://A.org"]}]}'), {
    message: 'invalid federated trust domain: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
  });
});

test('entry sort: trust domain, path, parent, TTLs, then selectors (count first)', () => {
  const mk = (spiffe: string, parent: string, x509: number, sel: string[]): ProtoEntry => ({
    id: `${spiffe}|${parent}|${x509}|${sel.join(',')}`,
    spiffe_id: { trust_domain: spiffe.split('/')[0]!, path: `/${spiffe.split('/').slice(1).join('/')}` },
    parent_id: { trust_domain: 'a.org', path: parent },
    selectors: sel.map((s) => ({ type: s.split(':')[0]!, value: s.split(':')[1]! })),
    x509_svid_ttl: x509,
    jwt_svid_ttl: 0,
    federates_with: [],
    admin: false,
    downstream: false,
    expires_at: 0,
    dns_names: [],
    revision_number: 0,
    store_svid: false,
    hint: '',
    created_at: 0,
  });
  const entries = [mk('b.org/a', '/p', 0, ['u:1']), mk('a.org/b', '/p', 0, ['u:1']), mk('a.org/a', '/q', 0, ['u:1']), mk('a.org/a', '/p', 5, ['u:1']), mk('a.org/a', '/p', 0, ['u:2', 'u:1']), mk('a.org/a', '/p', 0, ['u:3'])];
  sortEntries(entries);
  assert.deepEqual(
    entries.map((e) => e.id),
    ['a.org/a|/p|0|u:3', 'a.org/a|/p|0|u:2,u:1', 'a.org/a|/p|5|u:1', 'a.org/a|/q|0|u:1', 'a.org/b|/p|0|u:1', 'b.org/a|/p|0|u:1'],
  );
  // Selectors within an entry are sorted too.
  assert.deepEqual(entries[1]!.selectors.map((s) => s.value), ['1', '2']);
  assert.equal(
    formatEntry({ ...entries[0]!, id: '', additional_attributes: { disable_x509_svid_prefetch: true, jwt_svid_include_jti: true } }),
    [
      'Entry ID                : (none)',
      'SPIFFE ID               : spiffe://a.org/a',
      'Parent ID               : spiffe://a.org/p',
      'Revision                : 0',
      'X509-SVID TTL           : default',
      'JWT-SVID TTL            : default',
      'Selector                : u:3',
      'DisableX509SvidPrefetch : true',
      'JwtSvidIncludeJti       : true',
      '',
      '',
    ].join('\n'),
  );
});
