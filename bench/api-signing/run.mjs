#!/usr/bin/env node
// SVIDs through the real API (issue 14). Starts a real `spire-server run` (SQLite, disk
// KeyManager, temp dir, INFO logs, signing and attestation rate limits off) and drives it from a
// separate client process (client.mjs). Cases, by scenario:
//   mint-x509   MintX509SVID on the admin socket, 1 CSR a call, 1 / 16 / 64 calls in flight; and
//               the transport floor: bare grpc-js unary calls of the same sizes, 64 in flight
//               (transport-floor.mjs)
//   batch-x509  BatchNewX509SVID as attested agents over mTLS TCP, batches of 1 / 10 / 50, from 1
//               and from 20 agents (one call in flight per agent, as an agent has)
//   jwt         NewJWTSVID from 20 agents; MintJWTSVID on the admin socket, 16 in flight
//   sync        1,000 agents with 20 entries each calling SyncAuthorizedEntries every 5 s
//               (staggered), then as fast as 64 in flight go; against the in-process lookup
//               and against the transport floor: a bare grpc-js server answering the same paced
//               calls over mTLS with a fixed message of the same size (transport-floor.mjs)
//   burst       200 agents each asking for 500 SVIDs at once on new connections
// Before each scenario it measures the primitive limit (raw P-256 verify+sign on every core, as
// bench/signing does) for the ratios. For each case: SVIDs/s (or calls/s), p50/p99 latency, the
// server's CPU-seconds per SVID (from /proc/<pid>/stat) against the primitive's CPU per
// verify+sign, and the CPU of server and client as % of one core.
//
//   node bench/api-signing/run.mjs [--seconds 5] [--scenarios mint-x509,batch-x509,jwt,sync,burst]
//        [--warmup 1] [--baseline-seconds 2] [--threads N] [--sync-agents 1000] [--sync-entries 20]
//        [--sync-interval 5] [--sync-seconds 15] [--burst-agents 200] [--burst-svids 500]
//        [--burst-timeout 120] [--call-timeout 30] [--cpu-prof DIR] [--events-based-cache]
//        [--node-staleness 30s]
//
// Exits with 1 when any call gets an unexpected answer (the burst's clean RESOURCE_EXHAUSTED
// excepted), and after the figures when a burst request failed otherwise or hung.
// Build first: bash scripts/pnpm.sh exec tsc -b
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { AuthorizedEntryCache, DEFAULT_ENTRY_CACHE_CONFIG, silentLogger, TrustDomain } from '@spire-ts/core';
import { sqlDataStore } from '@spire-ts/plugins-datastore-sql';
import { ServerProcess } from '@spire-ts/test/harness';
import { measured, rawBaseline } from '../signing/raw-baseline.mjs';
import { cpuSecondsOf, memoryOf, num, quantile } from './measure.mjs';
import { makeAgents } from './setup.mjs';
import { transportFloor, unaryFloor } from './transport-floor.mjs';
import { startClient } from './client-process.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SECONDS = Number(arg('seconds', '5'));
const EVENTS = process.argv.includes('--events-based-cache');
const NODE_STALENESS = arg('node-staleness');
const WARMUP_MS = Number(arg('warmup', '1')) * 1000;
const SCENARIOS = ['mint-x509', 'batch-x509', 'jwt', 'sync', 'burst'];
const chosen = arg('scenarios', SCENARIOS.join(',')).split(',');
for (const s of chosen) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
const BASELINE_MS = Number(arg('baseline-seconds', '2')) * 1000;
const THREADS = Number(arg('threads', String(availableParallelism())));
const SYNC_AGENTS = Number(arg('sync-agents', '1000'));
const ENTRIES_PER_AGENT = Number(arg('sync-entries', '20'));
const SYNC_INTERVAL_MS = Number(arg('sync-interval', '5')) * 1000;
const SYNC_SECONDS = Number(arg('sync-seconds', '15'));
const BURST_AGENTS = Number(arg('burst-agents', '200'));
const BURST_SVIDS = Number(arg('burst-svids', '500'));
const BURST_TIMEOUT_MS = Number(arg('burst-timeout', '120')) * 1000;
const CALL_TIMEOUT_MS = Number(arg('call-timeout', '30')) * 1000;
const PROF = arg('cpu-prof');

const base = { seconds: SECONDS, warmupMs: WARMUP_MS };
const CASES = {
  'mint-x509': [1, 16, 64].map((inflight) => ({ ...base, kind: 'mint-x509', inflight, label: `MintX509SVID, admin socket, 1 CSR a call, ${inflight} in flight` })),
  'batch-x509': [1, 20].flatMap((agents) =>
    [1, 10, 50].map((batch) => ({ ...base, kind: 'batch-x509', agents, batch, label: `BatchNewX509SVID, mTLS, ${agents} agent${agents > 1 ? 's' : ''} × 1 call of ${batch} in flight` })),
  ),
  jwt: [
    { ...base, kind: 'new-jwt', agents: 20, label: 'NewJWTSVID, mTLS, 20 agents × 1 call in flight' },
    { ...base, kind: 'mint-jwt', inflight: 16, label: 'MintJWTSVID, admin socket, 16 in flight' },
  ],
  sync: [
    { ...base, seconds: SYNC_SECONDS, kind: 'sync', agents: SYNC_AGENTS, intervalMs: SYNC_INTERVAL_MS, label: `SyncAuthorizedEntries, ${num(SYNC_AGENTS)} agents × ${ENTRIES_PER_AGENT} entries, each every ${SYNC_INTERVAL_MS / 1000} s` },
    { ...base, kind: 'sync-max', agents: SYNC_AGENTS, inflight: 64, label: `SyncAuthorizedEntries, ${num(SYNC_AGENTS)} agents × ${ENTRIES_PER_AGENT} entries, 64 in flight (closed loop)` },
  ],
  burst: [{ ...base, kind: 'burst', agents: BURST_AGENTS, each: BURST_SVIDS, timeoutMs: BURST_TIMEOUT_MS, label: `burst: ${BURST_AGENTS} agents × ${BURST_SVIDS} CSRs in one BatchNewX509SVID each, at once` }],
};
const agentsNeeded = Math.max(
  chosen.includes('batch-x509') || chosen.includes('jwt') ? 20 : 0,
  chosen.includes('sync') ? SYNC_AGENTS : 0,
  chosen.includes('burst') ? BURST_AGENTS : 0,
);

/** The primitive limit now: verify+sign per second on every core, and CPU-µs per verify+sign. */
async function primitive() {
  const m = await measured(() => rawBaseline({ threads: THREADS, durationMs: BASELINE_MS }));
  return { rate: m.rate, cpuUs: (m.cpuSec / m.count) * 1e6 };
}

/** Median and p99 (µs) of the in-process authorized-entries lookup for each agent, on the server's own store. */
async function inProcessLookup(server, agentIds) {
  const td = TrustDomain.parse(server.td);
  const log = silentLogger();
  const pluginData = { database_type: 'sqlite3', connection_string: `${server.dir}/data/datastore.sqlite3` };
  const parsed = sqlDataStore.parseConfig(pluginData, { trustDomain: td, dataDir: server.dir });
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  const ds = await sqlDataStore.create({ config: parsed.config, log, trustDomain: td, dataDir: server.dir, host: {} });
  try {
    const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, dataStore: ds, trustDomain: td, log });
    try {
      for (const id of agentIds) await cache.fetchAuthorizedEntries(id);
      const times = [];
      for (let round = 0; round < 5; round++) {
        for (const id of agentIds) {
          const t = performance.now();
          const got = await cache.fetchAuthorizedEntries(id);
          times.push((performance.now() - t) * 1000);
          if (got.length !== ENTRIES_PER_AGENT) throw new Error(`in-process lookup: ${got.length} entries for ${id}`);
        }
      }
      return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
    } finally {
      await cache.stop();
    }
  } finally {
    await ds.close();
  }
}

const server = new ServerProcess();
let client;
const rows = [];
let burstFailed = false;
try {
  console.log(`SVIDs through the real API: spire-server run (SQLite, disk KeyManager, log_level INFO) and a separate client process`);
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  console.log(`commit ${commit}, ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const tStart = performance.now();
  await server.start({
    extraServer: `ratelimit {\n    attestation = false\n    signing = false\n  }${NODE_STALENESS ? `\n  max_attested_node_info_staleness = "${NODE_STALENESS}"` : ''}${EVENTS ? '\n  experimental {\n    events_based_cache = true\n  }' : ''}`,
    logLevel: 'INFO',
    nodeArgs: PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : [],
  });
  if (NODE_STALENESS) console.log(`server.conf: max_attested_node_info_staleness = "${NODE_STALENESS}" (agent calls admitted from the node cache; default 0s reads the node on every call)`);
  if (EVENTS) console.log('server.conf: experimental { events_based_cache = true } (the entries cache follows change events instead of reloading every 5 s)');
  console.log(`server.conf: ratelimit { signing = false, attestation = false } (the per-IP signing limit of 500/s would cap a loopback load); started in ${((performance.now() - tStart) / 1000).toFixed(1)} s`);

  let agents = [];
  let bundlePem = await server.bundlePem();
  if (agentsNeeded > 0) {
    const made = await makeAgents(server, { count: agentsNeeded, entriesPerAgent: ENTRIES_PER_AGENT });
    ({ agents, bundlePem } = made);
    const t = made.timings;
    console.log(
      `setup: ${num(agentsNeeded)} join tokens in ${t.tokens.toFixed(1)} s; ${num(agentsNeeded)} agents attested in ${t.attest.toFixed(1)} s (${num(agentsNeeded / t.attest)}/s, 16 in flight); ` +
        `${num(agentsNeeded * ENTRIES_PER_AGENT)} entries in ${t.entries.toFixed(1)} s`,
    );
  }

  client = startClient();
  await client.ask({ type: 'init', address: `127.0.0.1:${server.port}`, socket: server.socketPath, bundlePem, agents, callTimeoutMs: CALL_TIMEOUT_MS, csrCount: 200 }, 'inited');

  for (const scenario of SCENARIOS.filter((s) => chosen.includes(s))) {
    const prim = await primitive();
    console.log(`\n[${scenario}] primitive limit now: ${num(prim.rate)} verify+sign/s on ${THREADS} threads, ${prim.cpuUs.toFixed(0)} CPU-µs each; load average ${loadavg()[0].toFixed(2)}`);
    for (const c of CASES[scenario]) {
      await client.ask({ type: 'prepare', case: c }, 'ready');
      const mem0 = memoryOf(server.pid);
      const cpu0 = cpuSecondsOf(server.pid);
      const t0 = performance.now();
      const r = await client.ask({ type: 'go' }, 'result');
      const wall = (performance.now() - t0) / 1000;
      const serverCpu = cpuSecondsOf(server.pid) - cpu0;
      const mem1 = memoryOf(server.pid);
      const row = { scenario, c, r, prim, wall, serverCpu, mem0, mem1 };
      rows.push(row);
      const units = r.items || r.calls;
      const line =
        `  ${c.label}: ${r.items ? `${num(r.items / r.wall)} SVIDs/s, ` : ''}${num(r.calls / r.wall)} calls/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms` +
        (r.items ? `, ratio ${(r.items / r.wall / prim.rate).toFixed(3)}` : '') +
        `; server ${num((serverCpu / units) * 1e6)} CPU-µs per ${r.items ? 'SVID' : 'call'}` +
        (r.items ? ` (${((serverCpu / r.items) * 1e6 / prim.cpuUs).toFixed(1)}× the primitive)` : '') +
        `, ${((serverCpu / wall) * 100).toFixed(0)} % of a core; client ${((r.cpuSec / r.wall) * 100).toFixed(0)} % of a core`;
      console.log(line);
      if (c.kind === 'sync') console.log(`    ${num(r.calls)} syncs in ${r.wall.toFixed(1)} s; the client started a sync up to ${r.maxLateMs.toFixed(0)} ms late`);
      if (c.kind === 'burst') {
        const k = r.counts;
        burstFailed = k.other > 0 || k.hung > 0;
        console.log(`    ${num(k.ok)} issued, ${num(k.exhausted)} RESOURCE_EXHAUSTED, ${num(k.other)} other errors, ${num(k.hung)} hung (deadline ${BURST_TIMEOUT_MS / 1000} s); all done in ${r.wall.toFixed(1)} s, slowest call ${(r.max / 1000).toFixed(1)} s`);
        console.log(`    server VmHWM ${mem0.hwmMiB.toFixed(0)} MiB before, ${mem1.hwmMiB.toFixed(0)} MiB after (VmRSS now ${mem1.rssMiB.toFixed(0)} MiB)`);
        for (const s of r.samples) console.log(`    e.g. ${s}`);
      }
    }
    if (scenario === 'mint-x509') {
      const sizes = await client.ask({ type: 'mint-bytes' }, 'mint-bytes');
      const floor = await unaryFloor({ inflight: 64, seconds: SECONDS, ...sizes });
      rows.push({ scenario, mintFloor: floor, prim });
      console.log(
        `  transport floor (bare grpc-js unary on a Unix socket, 64 in flight, ${num(sizes.requestBytes)}-byte requests, ${num(sizes.answerBytes)}-byte answers like MintX509SVID's): ` +
          `${num(floor.calls / floor.wallS)} calls/s (${(floor.calls / floor.wallS / prim.rate).toFixed(3)} of the primitive limit), p50 ${floor.p50.toFixed(1)} ms; ` +
          `server ${num(floor.cpuPerCallUs)} CPU-µs per call, ${floor.serverPctOfCore.toFixed(0)} % of a core; client ${floor.clientPctOfCore.toFixed(0)} % of a core`,
      );
    }
    if (scenario === 'sync') {
      const l = await inProcessLookup(server, agents.slice(0, SYNC_AGENTS).map((a) => a.id));
      rows.push({ scenario, lookup: l });
      console.log(`  in-process lookup (AuthorizedEntryCache.fetchAuthorizedEntries on the server's store, ${ENTRIES_PER_AGENT} entries): median ${l.p50.toFixed(1)} µs, p99 ${l.p99.toFixed(1)} µs`);
      const { bytes } = await client.ask({ type: 'answer-bytes' }, 'answer-bytes');
      const floor = await transportFloor({ agents: SYNC_AGENTS, intervalMs: SYNC_INTERVAL_MS, seconds: SYNC_SECONDS, bytes });
      rows.push({ scenario, floor });
      console.log(
        `  transport floor (bare grpc-js bidi over mTLS, ${num(SYNC_AGENTS)} connections, one call each every ${SYNC_INTERVAL_MS / 1000} s, answers of ${num(bytes)} bytes like the sync's): ` +
          `${num(floor.calls / floor.wallS)} calls/s, p50 ${floor.p50.toFixed(1)} ms, p99 ${floor.p99.toFixed(1)} ms; server ${num(floor.cpuPerCallUs)} CPU-µs per call, ${floor.serverPctOfCore.toFixed(0)} % of a core`,
      );
    }
  }
  await client.ask({ type: 'exit' }, 'exit').catch(() => undefined);

  printTable();
  printTargets();
  console.log(`\nload average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; total ${((performance.now() - tStart) / 1000).toFixed(0)} s`);
} finally {
  if (client && client.child.exitCode === null) client.child.kill();
  await server.stop();
}
if (burstFailed) {
  console.error('FAILED: burst requests failed with errors other than RESOURCE_EXHAUSTED, or hung');
  process.exitCode = 1;
}

function printTable() {
  console.log('\n| case | SVIDs/s | calls/s | p50 ms | p99 ms | ratio to primitive | server CPU-µs per SVID (call) | × primitive CPU | server % of a core | client % of a core |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const x of rows) {
    if (x.lookup || x.floor || x.mintFloor) continue;
    const { c, r, prim, wall, serverCpu } = x;
    const units = r.items || r.calls;
    const cpuPer = (serverCpu / units) * 1e6;
    console.log(
      `| ${c.label} | ${r.items ? num(r.items / r.wall) : '–'} | ${num(r.calls / r.wall)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.items ? (r.items / r.wall / prim.rate).toFixed(3) : '–'} ` +
        `| ${num(cpuPer)}${r.items ? '' : ' (call)'} | ${r.items ? (cpuPer / prim.cpuUs).toFixed(1) : '–'} | ${((serverCpu / wall) * 100).toFixed(0)} | ${((r.cpuSec / r.wall) * 100).toFixed(0)} |`,
    );
  }
}

function printTargets() {
  const find = (kind, pred = () => true) => rows.find((x) => x.c?.kind === kind && pred(x.c));
  const met = (ok) => (ok ? 'MET' : 'NOT MET');
  const lines = [];
  const b20 = find('batch-x509', (c) => c.agents === 20 && c.batch === 50);
  if (b20) {
    const ratio = b20.r.items / b20.r.wall / b20.prim.rate;
    const cpuX = ((b20.serverCpu / b20.r.items) * 1e6) / b20.prim.cpuUs;
    lines.push(`BatchNewX509SVID, batches of 50 from 20 agents: ratio ${ratio.toFixed(3)} (target >= 0.5): ${met(ratio >= 0.5)}`);
    lines.push(`server CPU per X509-SVID there: ${cpuX.toFixed(1)}× the primitive's verify+sign (target <= 2×): ${met(cpuX <= 2)}`);
  }
  const m64 = find('mint-x509', (c) => c.inflight === 64);
  if (m64) {
    const ratio = m64.r.items / m64.r.wall / m64.prim.rate;
    lines.push(`MintX509SVID, 64 in flight: ratio ${ratio.toFixed(3)} (target >= 0.2): ${met(ratio >= 0.2)}; the client used ${((m64.r.cpuSec / m64.r.wall) * 100).toFixed(0)} % of a core`);
    const mf = rows.find((x) => x.mintFloor);
    if (mf) lines.push(`  bare grpc-js unary calls of the same sizes reached ${(mf.mintFloor.calls / mf.mintFloor.wallS / mf.prim.rate).toFixed(3)} of the primitive limit; MintX509SVID reached ${((m64.r.items / m64.r.wall) / (mf.mintFloor.calls / mf.mintFloor.wallS)).toFixed(2)} of that floor`);
  }
  const b1 = find('batch-x509', (c) => c.agents === 1 && c.batch === 50);
  if (b1) lines.push(`one BatchNewX509SVID of 50 CSRs, nothing else running: p50 ${b1.r.p50.toFixed(1)} ms (target <= 8 ms): ${met(b1.r.p50 <= 8)}`);
  const s = find('sync');
  if (s) {
    const pct = (s.serverCpu / s.wall) * 100;
    lines.push(`agent sync, ${num(s.c.agents)} agents every ${s.c.intervalMs / 1000} s: server ${pct.toFixed(1)} % of a core (target < 10 %): ${met(pct < 10)}; p99 ${s.r.p99.toFixed(1)} ms (target < 20 ms): ${met(s.r.p99 < 20)}`);
    const floor = rows.find((x) => x.floor)?.floor;
    if (floor) {
      const perCall = (s.serverCpu / s.r.calls) * 1e6;
      lines.push(`  the transport floor of the same load used ${floor.serverPctOfCore.toFixed(1)} % of a core; the server's CPU per sync is ${(perCall / floor.cpuPerCallUs).toFixed(2)}× the floor's per call`);
    }
  }
  const bu = find('burst');
  if (bu) {
    const k = bu.r.counts;
    lines.push(`burst: ${num(k.other)} other errors, ${num(k.hung)} hung (target 0): ${met(k.other === 0 && k.hung === 0)}; VmHWM ${bu.mem1.hwmMiB.toFixed(0)} MiB (target < 1024): ${met(bu.mem1.hwmMiB < 1024)}`);
  }
  if (lines.length) console.log(`\nTargets (issue 14):\n${lines.map((l) => `  ${l}`).join('\n')}`);
}
