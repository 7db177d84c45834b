// Setup for bench/api-signing: attested agents, each with its own entries to sign for, made
// through the real server's API the cheapest correct way: join tokens created on the admin socket
// over one channel, AttestAgent (join_token) with many agents in flight, and the entries created
// with BatchCreateEntry, 1,000 a call. Each step is timed apart from the measured cases.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { api } from '@spire-ts/core';
import { AgentClient, certsPem, joinTokenAttestor } from '@spire-ts/test';

const grpc = createRequire(import.meta.resolve('@spire-ts/test'))('@grpc/grpc-js');

const unary = (client, method, req) => new Promise((res, rej) => client[method](req, (e, v) => (e ? rej(e) : res(v))));
const idOf = (s) => {
  const u = new URL(s);
  return { trust_domain: u.host, path: u.pathname };
};

/** Calls `fn(i)` for i in [0, n) with at most `concurrency` calls pending. */
export async function eachLimited(n, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/**
 * Attests `count` agents with join tokens and gives each `entriesPerAgent` entries whose parent is
 * the agent. Resolves with the agents ({ id, keyPem, certPem, entries: entry IDs }) and the time
 * each step took (seconds). Throws on any per-item failure.
 */
export async function makeAgents(server, { count, entriesPerAgent }) {
  const Agent = api.clientConstructor(api.Services.agent);
  const Entry = api.clientConstructor(api.Services.entry);
  const agentAdmin = new Agent(`unix://${server.socketPath}`, grpc.credentials.createInsecure());
  const entryAdmin = new Entry(`unix://${server.socketPath}`, grpc.credentials.createInsecure());
  const bundlePem = await server.bundlePem();
  const timings = {};
  try {
    let t = performance.now();
    const tokens = new Array(count);
    await eachLimited(count, 32, async (i) => {
      tokens[i] = (await unary(agentAdmin, 'CreateJoinToken', { ttl: 3600 })).value;
    });
    timings.tokens = (performance.now() - t) / 1000;

    t = performance.now();
    const agents = new Array(count);
    await eachLimited(count, 16, async (i) => {
      const a = new AgentClient({ address: `127.0.0.1:${server.port}`, trustDomain: server.td, bundlePem });
      try {
        const { spiffeId } = await a.attest(joinTokenAttestor(tokens[i]));
        agents[i] = { id: spiffeId, keyPem: a.svid.key.privateKeyPem, certPem: certsPem(a.svid.certChain), entries: [] };
      } finally {
        a.close();
      }
    });
    timings.attest = (performance.now() - t) / 1000;

    t = performance.now();
    const all = agents.flatMap((a, i) =>
      Array.from({ length: entriesPerAgent }, (_, j) => ({
        agent: a,
        entry: {
          spiffe_id: idOf(`spiffe://${server.td}/agent-${i}/workload-${j}`),
          parent_id: idOf(a.id),
          selectors: [{ type: 'unix', value: `uid:${1000 + j}` }],
          x509_svid_ttl: 0,
          jwt_svid_ttl: 0,
        },
      })),
    );
    const BATCH = 1000;
    await eachLimited(Math.ceil(all.length / BATCH), 2, async (b) => {
      const chunk = all.slice(b * BATCH, (b + 1) * BATCH);
      const { results } = await unary(entryAdmin, 'BatchCreateEntry', { entries: chunk.map((x) => x.entry) });
      for (const [k, r] of results.entries()) {
        if (r.status.code !== 0) throw new Error(`BatchCreateEntry item: code ${r.status.code} ${r.status.message}`);
        chunk[k].agent.entries.push(r.entry.id);
      }
    });
    timings.entries = (performance.now() - t) / 1000;
    return { agents, bundlePem, timings };
  } finally {
    agentAdmin.close();
    entryAdmin.close();
  }
}
