import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOOPBACK, agentStore, makeAttestor, payload, respond, startRootPortServer } from './agent-server.test-support.js';

describe('http_challenge: TOFU off on a root port', () => {
  it('lets the agent re-attest (CanReattest) when only root can answer on required_port', async (t) => {
    const srv = await startRootPortServer();
    if (!srv) return t.skip('needs a port below 1024, which only root may open');
    try {
      const host = agentStore();
      const a = await makeAttestor({ ...LOOPBACK, tofu: false, required_port: srv.port }, { host });
      const first = await a.attest(payload('127.0.0.1', srv.port), respond(srv));
      assert.deepEqual(first, { spiffeId: 'spiffe://example.org/spire/agent/http_challenge/127.0.0.1', selectorValues: ['hostname:127.0.0.1'], canReattest: true });
      host.ids.add(first.spiffeId);
      assert.equal((await a.attest(payload('127.0.0.1', srv.port), respond(srv))).spiffeId, first.spiffeId, 'attested again without TOFU');
    } finally {
      await srv.close();
    }
  });
});
