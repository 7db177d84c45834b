// The attesting side of bench/k8s-attest/run.mjs, in its own process: one message in
// ({ address, trustDomain, bundlePem, type, payloads, concurrency }), one answer out
// ({ type: 'done', ms, latencies } or { type: 'error', message }).
import { performance } from 'node:perf_hooks';
import { AgentClient } from '@spire-ts/test';

process.on('message', async (m) => {
  try {
    const latencies = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < m.payloads.length) {
        const payload = Buffer.from(m.payloads[next++], 'base64');
        const agent = new AgentClient({ address: m.address, trustDomain: m.trustDomain, bundlePem: m.bundlePem });
        const t = performance.now();
        await agent.attest({ type: m.type, payload: () => payload, respond: () => { throw new Error(`${m.type} is never challenged`); } });
        latencies.push(performance.now() - t);
        agent.close();
      }
    };
    await Promise.all(Array.from({ length: m.concurrency }, worker));
    process.send({ type: 'done', ms: performance.now() - t0, latencies });
  } catch (err) {
    process.send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
