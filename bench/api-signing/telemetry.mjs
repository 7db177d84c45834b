#!/usr/bin/env node
// What telemetry costs on the signing hot path (issue 16). Starts two real `spire-server run`
// processes from the same config, one with `telemetry { Prometheus {…} InMem {} }` and one with
// no telemetry, and drives each from its own client process (client.mjs) with the same cases,
// alternating off/on within each round so that drift of the machine falls on both. While the
// "on" server is loaded, /metrics is scraped every second, as a Prometheus would (so the scrape
// is part of the cost). Prints per case SVIDs/s off and on, the on/off ratio of each round (its
// two runs are back to back) and their median (target ≥ 0.95), and the server CPU-µs per SVID.
//
//   node bench/api-signing/telemetry.mjs [--seconds 5] [--rounds 3] [--warmup 1]
//
// Build first: bash scripts/pnpm.sh exec tsc -b
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { ServerProcess } from '@spire-ts/test/harness';
import { startClient } from './client-process.mjs';
import { cpuSecondsOf, num } from './measure.mjs';
import { makeAgents } from './setup.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SECONDS = Number(arg('seconds', '5'));
const ROUNDS = Number(arg('rounds', '3'));
const WARMUP_MS = Number(arg('warmup', '1')) * 1000;
const base = { seconds: SECONDS, warmupMs: WARMUP_MS };
const CASES = [
  { ...base, kind: 'mint-x509', inflight: 16, label: 'MintX509SVID, admin socket, 16 in flight' },
  { ...base, kind: 'batch-x509', agents: 20, batch: 10, label: 'BatchNewX509SVID, mTLS, 20 agents × 1 call of 10' },
  { ...base, kind: 'batch-x509', agents: 20, batch: 1, label: 'BatchNewX509SVID, mTLS, 20 agents × 1 call of 1' },
  { ...base, kind: 'new-jwt', agents: 20, label: 'NewJWTSVID, mTLS, 20 agents × 1 call in flight' },
];

async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** A server, its agents and its client, ready to run cases. */
async function setup(name, telemetryBlock) {
  const server = new ServerProcess();
  await server.start({
    extraServer: 'ratelimit {\n    attestation = false\n    signing = false\n  }',
    extraBlocks: telemetryBlock,
    logLevel: 'INFO',
  });
  const { agents, bundlePem } = await makeAgents(server, { count: 20, entriesPerAgent: 1 });
  const client = startClient();
  await client.ask({ type: 'init', address: `127.0.0.1:${server.port}`, socket: server.socketPath, bundlePem, agents, callTimeoutMs: 30_000, csrCount: 200 }, 'inited');
  return { name, server, client };
}

/** Runs one case on `side`; with `scrapeUrl`, GETs it every second meanwhile. */
async function runCase(side, c, scrapeUrl) {
  await side.client.ask({ type: 'prepare', case: c }, 'ready');
  let scrapes = 0;
  let scrapeBytes = 0;
  const timer = scrapeUrl
    ? setInterval(() => {
        fetch(scrapeUrl)
          .then((r) => r.text())
          .then((t) => {
            scrapes++;
            scrapeBytes = t.length;
          })
          .catch(() => undefined);
      }, 1000)
    : undefined;
  const cpu0 = cpuSecondsOf(side.server.pid);
  const r = await side.client.ask({ type: 'go' }, 'result');
  const cpu = cpuSecondsOf(side.server.pid) - cpu0;
  if (timer) clearInterval(timer);
  const items = r.items || r.calls;
  return { rate: items / r.wall, cpuUsPerItem: (cpu / items) * 1e6, scrapes, scrapeBytes };
}

const sides = [];
try {
  let commit = '?';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: the commit stays '?'
  }
  console.log('Telemetry on the signing path: two spire-server run processes (SQLite, disk KeyManager, INFO logs, rate limits off), each loaded by its own client process');
  console.log(`commit ${commit}, ${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const promPort = await freePort();
  const off = await setup('off', '');
  sides.push(off);
  const on = await setup('on', `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${promPort}\n  }\n  InMem {}\n}`);
  sides.push(on);
  const scrapeUrl = `http://127.0.0.1:${promPort}/metrics`;
  console.log(`"on": telemetry { Prometheus { port = ${promPort} } InMem {} }, /metrics scraped every second while loaded; "off": no telemetry block`);
  console.log(`${ROUNDS} rounds of ${CASES.length} cases × ${SECONDS} s, off and on alternating (the order flips each round)\n`);

  const results = CASES.map(() => ({ off: [], on: [] }));
  let lastScrape = { scrapes: 0, scrapeBytes: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of CASES.entries()) {
      const order = round % 2 === 0 ? [off, on] : [on, off];
      for (const side of order) {
        const r = await runCase(side, c, side === on ? scrapeUrl : undefined);
        results[i][side.name].push(r);
        if (side === on) lastScrape = r;
      }
    }
    console.log(`round ${round + 1} done; load average ${loadavg()[0].toFixed(2)}`);
  }

  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  // Each round's on/off pair ran back to back, so its ratio is the least disturbed by drift; the
  // median of those ratios is the headline, the ratio of the mean rates is shown beside it.
  console.log('\n| case | SVIDs/s off | SVIDs/s on | ratio of means | ratios per round | median ratio | CPU-µs per SVID off | on |');
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  const medians = [];
  for (const [i, c] of CASES.entries()) {
    const r = results[i];
    const offRate = mean(r.off.map((x) => x.rate));
    const onRate = mean(r.on.map((x) => x.rate));
    const perRound = r.on.map((x, k) => x.rate / r.off[k].rate);
    const med = median(perRound);
    medians.push(med);
    console.log(
      `| ${c.label} | ${num(offRate)} | ${num(onRate)} | ${(onRate / offRate).toFixed(3)} | ${perRound.map((x) => x.toFixed(2)).join(' ')} | ${med.toFixed(3)} | ` +
        `${num(mean(r.off.map((x) => x.cpuUsPerItem)))} | ${num(mean(r.on.map((x) => x.cpuUsPerItem)))} |`,
    );
  }
  const worst = Math.min(...medians);
  console.log(`\nscrape: ${lastScrape.scrapes} scrapes in the last "on" case, ${num(lastScrape.scrapeBytes)} bytes each; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`target: median throughput ratio on/off ≥ 0.95 in every case — worst ${worst.toFixed(3)}: ${worst >= 0.95 ? 'MET' : 'NOT MET'}`);
  for (const s of sides) await s.client.ask({ type: 'exit' }, 'exit').catch(() => undefined);
} finally {
  for (const s of sides) {
    if (s.client.child.exitCode === null) s.client.child.kill();
    await s.server.stop();
  }
}
