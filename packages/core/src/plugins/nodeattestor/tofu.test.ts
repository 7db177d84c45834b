import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, spireError } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import { assessTofu } from './tofu.js';

const ID = 'spiffe://example.org/spire/agent/x/1';
const rejects = (p: Promise<unknown>, code: Code, message: string) => assert.rejects(p, (e: { code?: Code; message?: string }) => e.code === code && e.message === message);

describe('assessTofu', () => {
  it('passes an agent ID the server has no record of', async () => {
    await assessTofu({ agentStore: { getAgentInfo: async () => undefined } }, silentLogger(), ID);
  });
  it('refuses an agent ID already attested, with SPIRE\'s message', async () => {
    await rejects(assessTofu({ agentStore: { getAgentInfo: async (id) => ({ agentId: id }) } }, silentLogger(), ID), Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
  });
  it('needs the AgentStore host service', async () => {
    await rejects(assessTofu({}, silentLogger(), ID), Code.INTERNAL, 'required AgentStore host service not available');
  });
  it('keeps the code of a failed lookup', async () => {
    const store = { getAgentInfo: async () => Promise.reject(spireError(Code.UNAVAILABLE, 'datastore down')) };
    await rejects(assessTofu({ agentStore: store }, silentLogger(), ID), Code.UNAVAILABLE, 'unable to get agent info: datastore down');
  });
});
