import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Code, ConfigReader, SpireError, defineNodeAttestor, type NodeAttestor } from '../index.js';

/**
 * A NodeAttestor for tests: the agent sends `{"name": "..."}`; the attestor challenges it with a
 * random nonce and expects HMAC-SHA256(shared_secret, nonce) back. On success the agent is
 * `spiffe://<td>/spire/agent/test_challenge/<name>` with selector value `name:<name>`.
 * When the `agent_store_check` option is true, an agent the AgentStore host service already
 * knows is refused (as SPIRE's attestors refuse re-attestation without can_reattest).
 */
export const challengeNodeAttestor = defineNodeAttestor({
  name: 'test_challenge',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const sharedSecret = r.string('shared_secret', { required: true });
    const agentStoreCheck = r.bool('agent_store_check', { default: false });
    return r.result({ sharedSecret: sharedSecret ?? '', agentStoreCheck: agentStoreCheck ?? false });
  },
  create: ({ config, trustDomain, host, log }): NodeAttestor => ({
    async attest(payload, challenge) {
      let name: unknown;
      try {
        name = (JSON.parse(Buffer.from(payload).toString('utf8')) as { name?: unknown }).name;
      } catch {
        throw new SpireError(Code.INVALID_ARGUMENT, 'payload is not JSON');
      }
      if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name)) throw new SpireError(Code.INVALID_ARGUMENT, 'payload has no valid name');
      const nonce = randomBytes(32);
      const answer = Buffer.from(await challenge(nonce));
      const want = createHmac('sha256', config.sharedSecret).update(nonce).digest();
      if (answer.length !== want.length || !timingSafeEqual(answer, want)) {
        throw new SpireError(Code.PERMISSION_DENIED, 'challenge response does not match');
      }
      const spiffeId = `spiffe://${trustDomain.name}/spire/agent/test_challenge/${name}`;
      if (config.agentStoreCheck) {
        if (!host.agentStore) throw new SpireError(Code.INTERNAL, 'AgentStore host service is not available');
        if (await host.agentStore.getAgentInfo(spiffeId)) {
          throw new SpireError(Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent');
        }
      }
      host.metrics?.incrCounter(['test_challenge', 'attested'], 1, { name });
      log.info({ agent: spiffeId }, 'Agent attested');
      return { spiffeId, selectorValues: [`name:${name}`], canReattest: false };
    },
  }),
});
