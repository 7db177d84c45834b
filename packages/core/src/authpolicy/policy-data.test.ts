import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyEngine } from './engine.js';
import { parsePolicyData } from './policy-data.js';

const M = '/spire.api.server.entry.v1.Entry/ListEntries';
const CREATE = '/spire.api.server.entry.v1.Entry/BatchCreateEntry';

function engineOf(doc: unknown): PolicyEngine {
  const p = parsePolicyData(doc);
  assert.deepEqual(p.problems, []);
  return new PolicyEngine(p.data!);
}

test('a flag is on when its key holds any value but false, as Rego reads it, with a warning for non-booleans', () => {
  const p = parsePolicyData({ apis: [{ full_method: M, allow_admin: 'false', allow_local: false, allow_agent: 0 }] });
  assert.deepEqual(p.warnings, [
    'apis[0].allow_admin is "false", not a boolean; the default policy treats any value but false as true',
    'apis[0].allow_agent is 0, not a boolean; the default policy treats any value but false as true',
  ]);
  const r = new PolicyEngine(p.data!).eval(M);
  assert.deepEqual(r, { allow: false, allowIfLocal: false, allowIfAdmin: true, allowIfDownstream: false, allowIfAgent: true });
});

test('items naming the same method add up (the default policy ORs its rules)', () => {
  const r = engineOf({ apis: [{ full_method: M, allow_local: true }, { full_method: M, allow_admin: true, allow_local: false }] }).eval(M);
  assert.deepEqual(r, { allow: false, allowIfLocal: true, allowIfAdmin: true, allowIfDownstream: false, allowIfAgent: false });
});

test('apis given as an object is iterated by value, as data.apis[_] does', () => {
  assert.equal(engineOf({ apis: { a: { full_method: M, allow_any: true } } }).eval(M).allow, true);
});

test('data without an apis list denies everything and says so', () => {
  const p = parsePolicyData({ other: 1 });
  assert.deepEqual(p.warnings, ['policy data has no "apis" list, so the default policy denies every call']);
  assert.equal(new PolicyEngine(p.data!).eval('/spire.api.server.bundle.v1.Bundle/GetBundle').allow, false);
});

test('a document that is not a JSON object is refused', () => {
  assert.deepEqual(parsePolicyData([]).problems, ['error decoding JSON databindings: the document must be a JSON object']);
});

test('allow_callers names callers by exact ID or by a prefix that matches whole path segments', () => {
  const e = engineOf({
    apis: [{ full_method: M, allow_callers: [{ ids: ['spiffe://example.org/ops'], id_prefixes: ['spiffe://example.org/team-a/'] }] }],
  });
  assert.deepEqual(e.callerGrant(M, 'spiffe://example.org/ops'), {});
  assert.deepEqual(e.callerGrant(M, 'spiffe://example.org/team-a/ci'), {});
  assert.equal(e.callerGrant(M, 'spiffe://example.org/team-ab/ci'), undefined);
  assert.equal(e.callerGrant(M, 'spiffe://example.org/team-a'), undefined);
  assert.equal(e.callerGrant(M, 'spiffe://example.org/ops/x'), undefined);
  assert.equal(e.callerGrant(CREATE, 'spiffe://example.org/ops'), undefined);
});

test('an entries scope covers entries under its prefixes, and admin or downstream entries only when it says so', () => {
  const e = engineOf({
    apis: [
      {
        full_method: CREATE,
        allow_callers: [{ ids: ['spiffe://example.org/a-admin'], entries: { spiffe_id_prefixes: ['spiffe://example.org/team-a/'], parent_id_prefixes: ['spiffe://example.org/team-a/'] } }],
      },
    ],
  });
  const scope = e.callerGrant(CREATE, 'spiffe://example.org/a-admin')!.scope!;
  const entry = { spiffeId: 'spiffe://example.org/team-a/w', parentId: 'spiffe://example.org/team-a/node', admin: false, downstream: false };
  assert.equal(scope.covers(entry), true);
  assert.equal(scope.covers({ ...entry, parentId: 'spiffe://example.org/team-b/node' }), false);
  assert.equal(scope.covers({ ...entry, spiffeId: 'spiffe://example.org/team-b/w' }), false);
  assert.equal(scope.covers({ ...entry, admin: true }), false);
  assert.equal(scope.covers({ ...entry, downstream: true }), false);
});

test('allow_callers mistakes are refused, each named', () => {
  const p = parsePolicyData({
    apis: [
      { full_method: '/spire.api.server.svid.v1.SVID/BatchNewX509SVID', allow_callers: [{ ids: ['spiffe://example.org/x'] }] },
      { full_method: '/spire.api.server.entry.v1.Entry/CountEntries', allow_callers: [{ ids: ['spiffe://example.org/x'], entries: { spiffe_id_prefixes: ['spiffe://example.org/a/'] } }] },
      {
        full_method: CREATE,
        allow_callers: [
          { ids: ['not an id'], id_prefixes: ['spiffe://example.org/team-a'], role: 'x' },
          { entries: { spiffe_id_prefixes: 'spiffe://example.org/a/', admin_entries: 'yes' } },
          { ids: ['spiffe://example.org/y'], entries: {} },
        ],
      },
    ],
  });
  assert.deepEqual(p.problems, [
    'apis[0].allow_callers: only methods the default policy grants to admins can be granted to named callers; "/spire.api.server.svid.v1.SVID/BatchNewX509SVID" is not one',
    'apis[1].allow_callers[0].entries: /spire.api.server.entry.v1.Entry/CountEntries cannot be scoped to entries; the methods that can are ' +
      '/spire.api.server.entry.v1.Entry/ListEntries, /spire.api.server.entry.v1.Entry/GetEntry, /spire.api.server.entry.v1.Entry/BatchCreateEntry, ' +
      '/spire.api.server.entry.v1.Entry/BatchUpdateEntry, /spire.api.server.entry.v1.Entry/BatchDeleteEntry, /spire.api.registration.Registration/CreateEntry, ' +
      '/spire.api.registration.Registration/CreateEntryIfNotExists, /spire.api.registration.Registration/DeleteEntry, /spire.api.registration.Registration/FetchEntry, ' +
      '/spire.api.registration.Registration/FetchEntries, /spire.api.registration.Registration/UpdateEntry, /spire.api.registration.Registration/ListByParentID, ' +
      '/spire.api.registration.Registration/ListBySelector, /spire.api.registration.Registration/ListBySelectors, /spire.api.registration.Registration/ListBySpiffeID, ' +
      '/spire.api.registration.Registration/ListAllEntriesWithPages',
    'apis[2].allow_callers[0]: unknown key "role"',
    'apis[2].allow_callers[0].ids[0]: "not an id" is not a SPIFFE ID: scheme is missing or invalid',
    'apis[2].allow_callers[0].id_prefixes[0]: "spiffe://example.org/team-a" must end with "/" (a prefix matches whole path segments)',
    'apis[2].allow_callers[1]: must name callers in ids or id_prefixes',
    'apis[2].allow_callers[1].entries.admin_entries: must be true or false',
    'apis[2].allow_callers[1].entries.spiffe_id_prefixes: must be a list of strings',
    'apis[2].allow_callers[1].entries: must set spiffe_id_prefixes or parent_id_prefixes',
    'apis[2].allow_callers[2].entries: must set spiffe_id_prefixes or parent_id_prefixes',
  ]);
});
