import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { CHALLENGE_PATH, LOOPBACK, agentStore, fakeResolver, makeAttestor, payload, respond, serveNonce, startAgentServer, type AgentServer } from './agent-server.test-support.js';

describe('http_challenge: attestation against a real agent HTTP server', () => {
  let srv: AgentServer;
  before(async () => {
    srv = await startAgentServer();
  });
  after(async () => srv.close());

  it('fetches the nonce from the well-known URL and attests the host name', async () => {
    const a = await makeAttestor();
    const r = respond(srv);
    srv.requests.length = 0;
    const got = await a.attest(payload('127.0.0.1', srv.port), r);
    assert.deepEqual(got, { spiffeId: 'spiffe://example.org/spire/agent/http_challenge/127.0.0.1', selectorValues: ['hostname:127.0.0.1'], canReattest: false });
    assert.match(r.challenges[0]!, /^\{"nonce":"[A-Za-z0-9_-]{43}="\}$/);
    assert.deepEqual(srv.requests, [{ path: CHALLENGE_PATH, host: `127.0.0.1:${srv.port}` }]);
  });

  it('resolves a DNS name once and sends it as the Host header', async () => {
    const resolve = fakeResolver({ 'p1.example.com': ['127.0.0.1'] });
    const a = await makeAttestor({ ...LOOPBACK, allowed_dns_patterns: ['p[0-9]\\.example\\.com'] }, { opts: { resolve } });
    srv.requests.length = 0;
    const got = await a.attest(payload('p1.example.com', srv.port, 'agent-01'), respond(srv));
    assert.equal(got.spiffeId, 'spiffe://example.org/spire/agent/http_challenge/p1.example.com');
    assert.deepEqual(got.selectorValues, ['hostname:p1.example.com']);
    assert.deepEqual(srv.requests, [{ path: '/.well-known/spiffe/nodeattestor/http_challenge/agent-01/challenge', host: `p1.example.com:${srv.port}` }]);
    assert.deepEqual(resolve.calls, ['p1.example.com']);
  });

  it('refuses a wrong nonce', async () => {
    const a = await makeAttestor();
    srv.behave = (_q, res) => res.end('not-the-nonce');
    try {
      await rejectsWith(a.attest(payload('127.0.0.1', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'challenge verification failed: expected nonce was not found in HTTP response');
    } finally {
      srv.behave = serveNonce;
    }
  });

  it('refuses re-attestation of the same host name under TOFU', async () => {
    const host = agentStore();
    const a = await makeAttestor(LOOPBACK, { host });
    host.ids.add((await a.attest(payload('127.0.0.1', srv.port), respond(srv))).spiffeId);
    await rejectsWith(a.attest(payload('127.0.0.1', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
  });

  it('refuses a host name no allowed_dns_patterns entry matches, before any fetch', async () => {
    const a = await makeAttestor({ ...LOOPBACK, allowed_dns_patterns: ['p[0-9]\\.example\\.com'] });
    const r = respond(srv);
    await rejectsWith(a.attest(payload('q1.example.org', srv.port), r), Code.PERMISSION_DENIED, 'the requested hostname is not allowed to connect');
    assert.equal(r.challenges.length, 0);
  });

  it('refuses a port other than required_port', async () => {
    const a = await makeAttestor({ ...LOOPBACK, required_port: 80 });
    await rejectsWith(a.attest(payload('127.0.0.1', srv.port), respond(srv)), Code.INVALID_ARGUMENT, `port ${srv.port} is not allowed to be used by this server`);
  });

  it('refuses a non-root port when allow_non_root_ports is false', async () => {
    const a = await makeAttestor({ ...LOOPBACK, allow_non_root_ports: false });
    await rejectsWith(a.attest(payload('127.0.0.1', srv.port), respond(srv)), Code.INVALID_ARGUMENT, `port ${srv.port} is not allowed to be >= 1024`);
  });

  it('refuses localhost and invalid agent names', async () => {
    const a = await makeAttestor();
    await rejectsWith(a.attest(payload('localhost', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'you can not use localhost as a hostname');
    for (const name of ['a_b', 'a^b', '1abc', 'a'.repeat(33), '']) {
      await rejectsWith(a.attest(payload('127.0.0.1', srv.port, name), respond(srv)), Code.INVALID_ARGUMENT, 'agent name is not valid');
    }
  });

  it('refuses malformed payloads', async () => {
    const a = await makeAttestor();
    const enc = (s: string) => new TextEncoder().encode(s);
    await rejectsWith(a.attest(new Uint8Array(), respond(srv)), Code.INVALID_ARGUMENT, 'missing attestation payload');
    await rejectsWith(a.attest(enc('{'), respond(srv)), Code.INVALID_ARGUMENT, /^failed to unmarshal data: /);
    await rejectsWith(
      a.attest(enc('{"hostname":"h","agentname":"default","port":"80"}'), respond(srv)),
      Code.INVALID_ARGUMENT,
      'failed to unmarshal data: json: cannot unmarshal string into Go struct field AttestationData.port of type int',
    );
  });
});
