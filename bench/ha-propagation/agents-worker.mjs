// A child process of bench/ha-propagation/run.mjs that drives a share of the background agents:
// it attests each with its join token, then (on "go") syncs each every 5 s, as SPIRE's agent does,
// until "stop". Like SPIRE's agent, each agent keeps one connection to its server and reuses it
// for every sync (the test agent client opens a channel per call; here its channels are reused).
// It reports the sync latencies and failures measured between "measure" and "stop".
//
// Messages in:  { agents: [{ address, token }], bundlePem, trustDomain }, "go", "measure", "stop".
// Messages out: { ready: n } | { done: { latencies, failures, errors } } | { error }.
import { performance } from 'node:perf_hooks';
import { AgentClient, joinTokenAttestor } from '@spire-ts/test';

const sleep = (t) => new Promise((r) => setTimeout(r, t));
let stopped = false;
let measuring = false;
const latencies = [];
const errors = new Map();
let failures = 0;
let go;
const started = new Promise((r) => (go = r));

/** Makes the client reuse one channel per (service, credentials) instead of one per call. */
function reuseChannels(agent) {
  const open = agent.client.bind(agent);
  const channels = new Map();
  agent.client = (service, withSvid = true) => {
    const key = `${service}|${withSvid}|${agent.svid?.expiresAt ?? 0}`;
    let c = channels.get(key);
    if (!c) channels.set(key, (c = open(service, withSvid)));
    return c;
  };
}

async function runAll(msg) {
  const agents = msg.agents.map(({ address }) => {
    const a = new AgentClient({ address, trustDomain: msg.trustDomain, bundlePem: msg.bundlePem });
    reuseChannels(a);
    return a;
  });
  // Attest a few at a time: the servers sign and store each one.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < agents.length) {
        const i = next++;
        await agents[i].attest(joinTokenAttestor(msg.agents[i].token));
        await agents[i].sync();
      }
    }),
  );
  process.send({ ready: agents.length });
  await started;
  await Promise.all(
    agents.map(async (agent, i) => {
      await sleep((i * 5000) / agents.length);
      while (!stopped) {
        const t = performance.now();
        try {
          await agent.sync();
          if (measuring) latencies.push(performance.now() - t);
        } catch (err) {
          if (measuring) {
            failures++;
            const k = String(err?.message ?? err).slice(0, 120);
            errors.set(k, (errors.get(k) ?? 0) + 1);
          }
        }
        // SPIRE's agent waits the sync interval after each sync ends.
        await sleep(5000);
      }
    }),
  );
  for (const a of agents) a.close();
  process.send({ done: { latencies, failures, errors: [...errors] } });
}

process.on('message', (msg) => {
  if (msg === 'go') go();
  else if (msg === 'measure') measuring = true;
  else if (msg === 'stop') {
    measuring = false;
    stopped = true;
  } else
    runAll(msg).catch((err) => {
      process.send({ error: String(err?.stack ?? err) });
    });
});
