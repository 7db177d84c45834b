import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../errors.js';
import { fromProtoJson, toProtoJson } from './protojson.js';

test('fromProtoJson: protojson in, the object form handlers take out (defaults, wrappers, int64, bytes, enums, JSON names)', () => {
  const req = fromProtoJson('spire.api.server.entry.v1.ListEntriesRequest', {
    pageSize: 5,
    filter: { by_hint: 'web', by_downstream: true, by_selectors: { selectors: [{ type: 'unix', value: 'uid:1' }], match: 'MATCH_SUBSET' } },
  });
  assert.equal(req.page_size, 5);
  assert.equal(req.page_token, '');
  const filter = req.filter as Record<string, unknown>;
  assert.deepEqual(filter.by_hint, { value: 'web' });
  assert.deepEqual(filter.by_downstream, { value: true });
  assert.equal((filter.by_selectors as { match: string }).match, 'MATCH_SUBSET');
  assert.equal(filter.by_spiffe_id, null);
  const token = fromProtoJson('spire.api.server.agent.v1.CreateJoinTokenRequest', { ttl: '600', agent_id: { trust_domain: 'example.org', path: '/a' } });
  assert.equal(token.ttl, 600);
  const bundle = fromProtoJson('spire.api.types.Bundle', { trust_domain: 'x.org', sequence_number: '7', x509_authorities: [{ asn1: Buffer.from('abc').toString('base64') }] });
  assert.equal(bundle.sequence_number, 7);
  assert.ok(Buffer.isBuffer((bundle.x509_authorities as { asn1: Buffer }[])[0]!.asn1));
  assert.deepEqual((toProtoJson('spire.api.types.Bundle', bundle) as { x509_authorities: unknown }).x509_authorities, [{ asn1: 'YWJj', tainted: false }]);
});

test('fromProtoJson: unknown fields and values of the wrong kind are INVALID_ARGUMENT naming the field', () => {
  const refused = (type: string, json: unknown, message: string) =>
    assert.throws(
      () => fromProtoJson(type, json),
      (err: unknown) => err instanceof SpireError && err.code === Code.INVALID_ARGUMENT && err.message === message,
    );
  refused('spire.api.server.entry.v1.ListEntriesRequest', { filter: { by_hint: 3 } }, 'invalid value for filter.by_hint: expected a string, got 3');
  refused('spire.api.server.entry.v1.ListEntriesRequest', { filter: { nope: 1 } }, 'unknown field "filter.nope" in spire.api.server.entry.v1.ListEntriesRequest.Filter');
  refused('spire.api.server.entry.v1.ListEntriesRequest', [], 'invalid value for ListEntriesRequest: expected an object');
  refused('spire.api.server.entry.v1.BatchDeleteEntryRequest', { ids: 'a' }, 'invalid value for ids: expected a list');
  refused('spire.api.server.logger.v1.SetLogLevelRequest', { new_level: 'LOUD' }, 'invalid value for new_level: unknown LogLevel value "LOUD"');
});
