import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpiffeId, TrustDomain, IdErrors, SpiffeIdError, serverId, agentId } from './index.js';

function rejects(s: string, message: string): void {
  assert.throws(() => SpiffeId.parse(s), (e: unknown) => e instanceof SpiffeIdError && e.message === message, s);
}

test('valid IDs parse and print back unchanged', () => {
  for (const s of [
    'spiffe://example.org',
    'spiffe://example.org/workload',
    'spiffe://example.org/a/b/c',
    'spiffe://a-b_c.d9/Path.With-Upper_Case/x',
    'spiffe://example.org/...',
    'spiffe://example.org/.a/a.',
  ]) {
    assert.equal(SpiffeId.parse(s).toString(), s);
  }
});

test('scheme must be spiffe, lowercase, with //', () => {
  rejects('', IdErrors.empty);
  rejects('http://example.org/x', IdErrors.badScheme);
  rejects('SPIFFE://example.org/x', IdErrors.badScheme);
  rejects('spiffe:/example.org/x', IdErrors.badScheme);
  rejects('example.org/x', IdErrors.badScheme);
});

test('trust domain is required and limited to [a-z0-9._-]', () => {
  rejects('spiffe://', IdErrors.missingTrustDomain);
  rejects('spiffe:///path', IdErrors.missingTrustDomain);
  rejects('spiffe://Example.org/x', IdErrors.badTrustDomainChar);
  rejects('spiffe://exa mple.org', IdErrors.badTrustDomainChar);
  rejects('spiffe://example.org:8080/x', IdErrors.badTrustDomainChar);
  rejects('spiffe://user@example.org/x', IdErrors.badTrustDomainChar);
  rejects('spiffe://ex%41mple.org/x', IdErrors.badTrustDomainChar);
});

test('trust domain is at most 255 bytes', () => {
  assert.equal(TrustDomain.parse('a'.repeat(255)).name.length, 255);
  assert.throws(() => TrustDomain.parse('a'.repeat(256)), { message: IdErrors.trustDomainTooLong });
  rejects(`spiffe://${'a'.repeat(256)}/x`, IdErrors.trustDomainTooLong);
});

test('path segments: no empty, dot or dot-dot segment, no trailing slash', () => {
  rejects('spiffe://example.org/', IdErrors.trailingSlash);
  rejects('spiffe://example.org/a/', IdErrors.trailingSlash);
  rejects('spiffe://example.org//a', IdErrors.emptySegment);
  rejects('spiffe://example.org/a//b', IdErrors.emptySegment);
  rejects('spiffe://example.org/.', IdErrors.dotSegment);
  rejects('spiffe://example.org/a/../b', IdErrors.dotSegment);
  rejects('spiffe://example.org/a/./b', IdErrors.dotSegment);
});

test('path characters are limited to [a-zA-Z0-9._-]: no %-encoding, query or fragment', () => {
  rejects('spiffe://example.org/a%20b', IdErrors.badPathChar);
  rejects('spiffe://example.org/a?x=1', IdErrors.badPathChar);
  rejects('spiffe://example.org/a#frag', IdErrors.badPathChar);
  rejects('spiffe://example.org/a b', IdErrors.badPathChar);
  rejects('spiffe://example.org/ü', IdErrors.badPathChar);
  rejects('spiffe://example.org/a:b', IdErrors.badPathChar);
  rejects('spiffe://example.org?x=1', IdErrors.badTrustDomainChar);
  rejects('spiffe://example.org#f', IdErrors.badTrustDomainChar);
});

test('a whole ID is at most 2048 bytes', () => {
  const base = 'spiffe://example.org/';
  const ok = base + 'a'.repeat(2048 - base.length);
  assert.equal(SpiffeId.parse(ok).toString().length, 2048);
  rejects(ok + 'a', IdErrors.idTooLong);
  assert.throws(() => SpiffeId.fromPath(TrustDomain.parse('example.org'), '/' + 'a'.repeat(2048)), SpiffeIdError);
});

test('trust domain parses from a name or the spiffe:// form, but not with a path', () => {
  assert.equal(TrustDomain.parse('example.org').name, 'example.org');
  assert.equal(TrustDomain.parse('spiffe://example.org').name, 'example.org');
  assert.throws(() => TrustDomain.parse('spiffe://example.org/x'), SpiffeIdError);
  assert.throws(() => TrustDomain.parse(''), { message: IdErrors.missingTrustDomain });
});

test('helpers build the server and agent IDs and check membership', () => {
  const td = TrustDomain.parse('example.org');
  assert.equal(serverId(td).toString(), 'spiffe://example.org/spire/server');
  assert.equal(agentId(td, 'join_token', 'abc').toString(), 'spiffe://example.org/spire/agent/join_token/abc');
  assert.throws(() => agentId(td, 'x509pop', 'a/b'), SpiffeIdError);
  assert.ok(SpiffeId.parse('spiffe://example.org/x').memberOf(td));
  assert.ok(!SpiffeId.parse('spiffe://other.org/x').memberOf(td));
  assert.equal(SpiffeId.isValid('spiffe://example.org/x'), true);
  assert.equal(SpiffeId.isValid('spiffe://example.org/x/'), false);
});
