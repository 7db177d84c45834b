#!/usr/bin/env node
// k8s_psat attestation through the real server (issue 18): agents in another process attest with
// projected tokens against `spire-server run`, whose k8s_psat plugin checks each token with a
// TokenReview and reads the pod and node from the Kubernetes API emulator (this process) through
// @kubernetes/client-node. Baseline in the same run: the same number of join_token attestations
// against the same server (no Kubernetes API calls). Prints attestations/s, latency and the ratio.
//
//   node bench/k8s-attest/run.mjs [--agents 300] [--concurrency 8] [--rounds 2] [--cpu-prof DIR]
//
// --cpu-prof writes a V8 CPU profile of the server process into DIR.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { ServerProcess } from '@spire-ts/test/harness';
import { cpuSecondsOf, num, quantile } from '../api-signing/measure.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : dflt);
}
const AGENTS = arg('agents', 300);
const CONCURRENCY = arg('concurrency', 8);
const ROUNDS = arg('rounds', 2);
const PROF = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;

function attestIn(client, msg) {
  return new Promise((res, rej) => {
    client.once('message', (m) => (m.type === 'done' ? res(m) : rej(new Error(m.message))));
    client.send(msg);
  });
}

const k = await KubeEmulator.start();
const server = new ServerProcess();
await server.start({
  logLevel: 'WARN',
  nodeArgs: PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF] : [],
  // SPIRE limits attestations to 1/s per caller address; every agent here comes from 127.0.0.1.
  extraServer: 'ratelimit {\n    attestation = false\n  }',
  extraPlugins: `
  NodeAttestor "k8s_psat" {
    plugin_data {
      clusters = {
        "bench" = {
          service_account_allow_list = ["spire:spire-agent"]
          kube_config_file = "${k.kubeconfigPath}"
        }
      }
    }
  }`,
});
const client = fork(new URL('./client.mjs', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const base = { address: `127.0.0.1:${server.port}`, trustDomain: server.td, bundlePem: await server.bundlePem(), concurrency: CONCURRENCY };
console.log(`k8s_psat attestation bench: ${AGENTS} agents per side and round, ${CONCURRENCY} at a time, ${ROUNDS} rounds, load ${loadavg()[0].toFixed(2)}`);

let serial = 0;
const psatPayloads = () =>
  Array.from({ length: AGENTS }, () => {
    const n = serial++;
    k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}` } });
    const pod = k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `agent-${n}`, namespace: 'spire' }, spec: { nodeName: `node-${n}` }, status: { hostIP: '10.0.0.1' } });
    const token = k.mintProjectedToken({ namespace: 'spire', serviceAccount: 'spire-agent', podName: `agent-${n}`, podUid: String(pod.metadata.uid), audiences: ['spire-server'] });
    return Buffer.from(JSON.stringify({ cluster: 'bench', token })).toString('base64');
  });
const joinPayloads = async () => Promise.all(Array.from({ length: AGENTS }, async () => Buffer.from(await server.joinToken()).toString('base64')));

const rows = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first.
    const sides = r % 2 === 0 ? ['k8s_psat', 'join_token'] : ['join_token', 'k8s_psat'];
    for (const type of sides) {
      const payloads = type === 'k8s_psat' ? psatPayloads() : await joinPayloads();
      const reviews = k.tokenReviews;
      const cpu0 = cpuSecondsOf(server.pid);
      const m = await attestIn(client, { ...base, type, payloads });
      const cpu = cpuSecondsOf(server.pid) - cpu0;
      const sorted = m.latencies.sort((a, b) => a - b);
      rows.push({ round: r + 1, type, rate: (AGENTS * 1000) / m.ms, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), cpuPer: (cpu * 1000) / AGENTS, reviews: k.tokenReviews - reviews });
    }
  }
} finally {
  client.kill();
  await server.stop();
  await k.close();
}
for (const x of rows) {
  console.log(`round ${x.round} ${x.type.padEnd(10)} ${num(x.rate, 1).padStart(7)} attestations/s  median ${num(x.p50, 1)} ms  p99 ${num(x.p99, 1)} ms  server CPU ${num(x.cpuPer, 2)} ms each  TokenReviews ${x.reviews}`);
}
const med = (type, f) => quantile(rows.filter((x) => x.type === type).map(f).sort((a, b) => a - b), 0.5);
console.log(`k8s_psat / join_token throughput ratio (median of rounds): ${(med('k8s_psat', (x) => x.rate) / med('join_token', (x) => x.rate)).toFixed(2)}`);
