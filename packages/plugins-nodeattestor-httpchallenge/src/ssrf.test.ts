import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { CHALLENGE_PATH, LOOPBACK, fakeResolver, makeAttestor, payload, respond, serveNonce, startAgentServer, type AgentServer } from './agent-server.test-support.js';

const SPECIAL = 'a loopback, link-local or other special-use address';

describe('http_challenge: the SSRF rules', () => {
  let srv: AgentServer;
  before(async () => {
    srv = await startAgentServer();
  });
  after(async () => srv.close());
  const reset = () => {
    srv.behave = serveNonce;
    srv.requests.length = 0;
  };

  it('does not follow a redirect, even to a host that would serve the nonce', async () => {
    reset();
    srv.behave = (_q, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    };
    const a = await makeAttestor();
    await rejectsWith(
      a.attest(payload('127.0.0.1', srv.port), respond(srv)),
      Code.PERMISSION_DENIED,
      'challenge verification failed: Get "http://169.254.169.254/latest/meta-data/": http redirects are disabled',
    );
    srv.behave = (req, res, nonce) => {
      if (req.url === '/elsewhere') return serveNonce(req, res, nonce);
      res.writeHead(307, { location: '/elsewhere' });
      res.end();
    };
    srv.requests.length = 0;
    await rejectsWith(
      a.attest(payload('127.0.0.1', srv.port), respond(srv)),
      Code.PERMISSION_DENIED,
      `challenge verification failed: Get "http://127.0.0.1:${srv.port}/elsewhere": http redirects are disabled`,
    );
    assert.deepEqual(srv.requests.map((r) => r.path), [CHALLENGE_PATH], 'the redirect target was never fetched');
  });

  it('refuses a loopback target unless allow_special_addresses names it', async () => {
    reset();
    const a = await makeAttestor({});
    await rejectsWith(
      a.attest(payload('127.0.0.1', srv.port), respond(srv)),
      Code.PERMISSION_DENIED,
      `challenge verification failed: hostname "127.0.0.1" resolves to 127.0.0.1, ${SPECIAL}`,
    );
    assert.equal(srv.requests.length, 0, 'nothing was fetched');
  });

  it('checks every resolved address: a name resolving to the metadata service or to loopback among others is refused', async () => {
    reset();
    const resolve = fakeResolver({ 'meta.example.com': ['169.254.169.254'], 'mixed.example.com': ['198.51.100.7', '::ffff:127.0.0.1'] });
    const a = await makeAttestor({}, { opts: { resolve } });
    await rejectsWith(
      a.attest(payload('meta.example.com', 80), respond(srv)),
      Code.PERMISSION_DENIED,
      `challenge verification failed: hostname "meta.example.com" resolves to 169.254.169.254, ${SPECIAL}`,
    );
    await rejectsWith(
      a.attest(payload('mixed.example.com', 80), respond(srv)),
      Code.PERMISSION_DENIED,
      `challenge verification failed: hostname "mixed.example.com" resolves to ::ffff:127.0.0.1, ${SPECIAL}`,
    );
  });

  it('connects to the address it checked: the name is resolved once (no rebinding between check and connect)', async () => {
    reset();
    let n = 0;
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    const resolve = async () => answers[Math.min(n++, 1)]!;
    const a = await makeAttestor(LOOPBACK, { opts: { resolve } });
    await a.attest(payload('rebind.example.com', srv.port), respond(srv));
    assert.equal(n, 1);
    assert.deepEqual(srv.requests, [{ path: CHALLENGE_PATH, host: `rebind.example.com:${srv.port}` }]);
  });

  it('refuses a host name that names another host or port through the URL', async () => {
    reset();
    const a = await makeAttestor();
    await rejectsWith(a.attest(payload('evil.example.com/x', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'challenge verification failed: hostname can not contain a slash');
    await rejectsWith(a.attest(payload('127.0.0.1:1', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'challenge verification failed: hostname can not contain a colon');
    await rejectsWith(a.attest(payload('user@127.0.0.1', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'challenge verification failed: hostname is not a valid DNS name');
    assert.equal(srv.requests.length, 0);
  });

  it('refuses an answer larger than 64 bytes', async () => {
    reset();
    srv.behave = (_q, res, nonce) => res.end(`${nonce}${' '.repeat(100)}`);
    const a = await makeAttestor();
    await rejectsWith(a.attest(payload('127.0.0.1', srv.port), respond(srv)), Code.PERMISSION_DENIED, 'challenge verification failed: response body is larger than 64 bytes');
  });

  it('gives up on a slow body at the timeout', async () => {
    reset();
    srv.behave = (_q, res, nonce) => {
      res.writeHead(200, { 'content-length': '64' });
      res.write(nonce.slice(0, 10));
    };
    const a = await makeAttestor(LOOPBACK, { opts: { timeoutMs: 300 } });
    const started = Date.now();
    await rejectsWith(
      a.attest(payload('127.0.0.1', srv.port), respond(srv)),
      Code.PERMISSION_DENIED,
      `challenge verification failed: Get "http://127.0.0.1:${srv.port}${CHALLENGE_PATH}": context deadline exceeded`,
    );
    assert.ok(Date.now() - started < 2000, 'gave up at the timeout');
  });
});
