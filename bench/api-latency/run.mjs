#!/usr/bin/env node
// Latency of small calls while large answers are being built (issue 12, item 5). A real
// `spire-server run` process (SQLite, temp dir, random ports) holds `--entries` entries; this
// process sends small calls at a steady rate (open loop: each call is timed on its own, so a stall
// shows in every call it delays) and records their latency:
//   - GetEntry on the admin socket (the cheapest call: its max is the longest stall),
//   - BatchNewX509SVID from an attested agent over mTLS (one persistent channel),
//   - AttestAgent with a fresh join token on a new TLS connection.
// Phases, one after another in the same run: `baseline` (nothing else runs), `list1`/`list3`
// (1 or 3 unpaged ListEntries of every entry in a loop, from another process), `sync` (an agent
// holding `--agent-entries` entries runs a full SyncAuthorizedEntries, then GetAuthorizedEntries,
// in a loop, from another process). Prints p50/p99/max per call and phase, the ratio of each
// phase's p99 to the baseline's, and the server's peak RSS (VmHWM) after each phase.
//
//   node bench/api-latency/run.mjs [--entries 50000] [--agent-entries 20000] [--seconds 20]
//        [--phases baseline,list1,list3,sync] [--cpu-prof DIR]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { api } from '@spire-ts/core';
import { AgentClient, certsPem, csrFor, joinTokenAttestor, newKey } from '@spire-ts/test';
import { ServerProcess } from '@spire-ts/test/harness';

// grpc-js as the test package resolves it (the bench package does not declare it).
const grpc = createRequire(import.meta.resolve('@spire-ts/test'))('@grpc/grpc-js');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const unary = (client, method, req) => new Promise((res, rej) => client[method](req, (e, v) => (e ? rej(e) : res(v))));
const idOf = (s) => {
  const u = new URL(s);
  return { trust_domain: u.host, path: u.pathname };
};

// ---- loader child: large answers in a loop until told to stop ------------------------------
if (arg('role') === 'list') {
  const n = Number(arg('n'));
  // The loader keeps the answer as bytes (decoding 50,000 entries would take this machine's CPU
  // from the server); the first answer of each loop is decoded and counted.
  const md = api.serviceDefinition(api.Services.entry).ListEntries;
  const Raw = grpc.makeGenericClientConstructor({ ListEntries: { ...md, responseDeserialize: (b) => b } }, 'RawEntry');
  let done = 0;
  let stop = false;
  const times = [];
  process.on('message', (m) => {
    if (m === 'stop') stop = true;
  });
  await Promise.all(
    Array.from({ length: n }, async () => {
      // One channel per loop, as separate CLI invocations would have.
      const c = new Raw(`unix://${arg('socket')}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
      let first = true;
      while (!stop) {
        const t0 = performance.now();
        const bytes = await unary(c, 'ListEntries', { page_size: 0 });
        times.push(performance.now() - t0);
        if (first) {
          const count = md.responseDeserialize(bytes).entries.length;
          if (count < Number(arg('expect'))) throw new Error(`ListEntries returned ${count} entries`);
          first = false;
        }
        done++;
      }
      c.close();
    }),
  );
  process.send({ done, times });
  process.exit(0);
}
if (arg('role') === 'sync') {
  const agent = new AgentClient({ address: arg('address'), trustDomain: 'example.org', bundlePem: readFileSync(arg('bundle'), 'utf8') });
  await agent.attest(joinTokenAttestor(arg('token')));
  let stop = false;
  let done = 0;
  const times = [];
  process.on('message', (m) => {
    if (m === 'stop') stop = true;
  });
  while (!stop) {
    agent.entries.clear(); // a fresh agent: every entry is fetched whole
    let t0 = performance.now();
    await agent.sync();
    times.push(performance.now() - t0);
    if (agent.entries.size !== Number(arg('expect'))) throw new Error(`sync saw ${agent.entries.size} entries`);
    t0 = performance.now();
    await agent.getAuthorizedEntries();
    times.push(performance.now() - t0);
    agent.close(); // the client opens a channel per call
    done += 2;
  }
  process.send({ done, times });
  process.exit(0);
}

// ---- coordinator and prober ------------------------------------------------------------------
const ENTRIES = Number(arg('entries', '50000'));
const AGENT_ENTRIES = Number(arg('agent-entries', '20000'));
const SECONDS = Number(arg('seconds', '20'));
const PHASES = arg('phases', 'baseline,list1,list3,sync').split(',');
const PROF = arg('cpu-prof');
const q = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
const ms = (x) => `${x.toFixed(1)} ms`.padStart(10);

function memOf(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
}

const server = new ServerProcess();
const children = [];
try {
  await server.start({
    extraServer: 'ratelimit {\n    attestation = false\n    signing = false\n  }',
    nodeArgs: PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : [],
  });
  const t0 = performance.now();
  const batch = 1000;
  const bulkParent = idOf('spiffe://example.org/spire/agent/join_token/bulk');
  for (let i = 0; i < ENTRIES; i += batch) {
    const entries = [];
    for (let j = i; j < Math.min(ENTRIES, i + batch); j++) {
      entries.push({
        spiffe_id: idOf(`spiffe://example.org/workload/w${j}`),
        parent_id: bulkParent,
        selectors: [
          { type: 'unix', value: `uid:${j}` },
          { type: 'k8s', value: `ns:team-${j % 97}` },
        ],
        dns_names: j % 4 === 0 ? [`w${j}.example.org`] : [],
        x509_svid_ttl: 3600,
        jwt_svid_ttl: 300,
        hint: j % 3 === 0 ? 'bench' : '',
      });
    }
    await server.admin('entry', 'BatchCreateEntry', { entries });
  }
  // The probing agent (one entry to sign for) and, for `sync`, a second agent's entries.
  const prober = await server.agent();
  const { spiffeId: proberId } = await prober.attest(joinTokenAttestor(await server.joinToken()));
  const probeEntry = await server.createEntry({ spiffeId: 'spiffe://example.org/probe/svid', parentId: proberId, selectors: [{ type: 'unix', value: 'uid:probe' }] });
  const syncToken = await server.joinToken(3600);
  const syncAgentId = `spiffe://example.org/spire/agent/join_token/${syncToken}`;
  if (PHASES.includes('sync')) {
    for (let i = 0; i < AGENT_ENTRIES; i += batch) {
      const entries = [];
      for (let j = i; j < Math.min(AGENT_ENTRIES, i + batch); j++) {
        entries.push({ spiffe_id: idOf(`spiffe://example.org/agent-wl/a${j}`), parent_id: idOf(syncAgentId), selectors: [{ type: 'unix', value: `uid:${j}` }], x509_svid_ttl: 0, jwt_svid_ttl: 0 });
      }
      await server.admin('entry', 'BatchCreateEntry', { entries });
    }
  }
  const populateS = (performance.now() - t0) / 1000;
  const total = ENTRIES + 1 + (PHASES.includes('sync') ? AGENT_ENTRIES : 0);

  // Persistent clients for the probes.
  const Entry = api.clientConstructor(api.Services.entry);
  const Svid = api.clientConstructor(api.Services.svid);
  const Agent = api.clientConstructor(api.Services.agent);
  const admin = new Entry(`unix://${server.socketPath}`, grpc.credentials.createInsecure());
  const bundlePem = await server.bundlePem();
  const checkServerIdentity = () => undefined;
  const mtls = grpc.credentials.createSsl(Buffer.from(bundlePem), Buffer.from(prober.svid.key.privateKeyPem), Buffer.from(certsPem(prober.svid.certChain)), { checkServerIdentity });
  const svid = new Svid(`127.0.0.1:${server.port}`, mtls);
  const csr = await csrFor(await newKey());
  const address = `127.0.0.1:${server.port}`;

  const probes = {
    GetEntry: { every: 50, call: () => unary(admin, 'GetEntry', { id: probeEntry }) },
    BatchNewX509SVID: {
      every: 100,
      call: async () => {
        const r = await unary(svid, 'BatchNewX509SVID', { params: [{ entry_id: probeEntry, csr }] });
        if (r.results[0].status.code !== 0) throw new Error(r.results[0].status.message);
      },
    },
    AttestAgent: {
      every: 500,
      prepare: async () => {
        const token = await server.joinToken();
        return { token, csr: await csrFor(await newKey()) };
      },
      call: ({ token, csr: agentCsr }) =>
        new Promise((resolve, reject) => {
          const c = new Agent(address, grpc.credentials.createSsl(Buffer.from(bundlePem), null, null, { checkServerIdentity }));
          const call = c.AttestAgent();
          call.on('data', (m) => {
            if (m.step === 'result') {
              call.end();
              c.close();
              resolve();
            }
          });
          call.on('error', (e) => {
            c.close();
            reject(e);
          });
          call.write({ params: { data: { type: 'join_token', payload: Buffer.from(token) }, params: { csr: agentCsr } } });
        }),
    },
  };

  async function runProbes(seconds) {
    const out = {};
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Object.entries(probes).map(async ([name, p]) => {
        const lat = [];
        const pending = [];
        let errors = 0;
        while (performance.now() < end) {
          const input = p.prepare ? await p.prepare().catch(() => undefined) : undefined;
          const start = performance.now();
          pending.push(
            p.call(input).then(
              () => lat.push(performance.now() - start),
              () => {
                errors++;
                lat.push(performance.now() - start);
              },
            ),
          );
          const next = start + p.every;
          await sleep(Math.max(0, next - performance.now()));
        }
        await Promise.all(pending);
        out[name] = { lat, errors };
      }),
    );
    return Object.fromEntries(Object.keys(probes).map((k) => [k, out[k]]));
  }

  function startLoad(phase) {
    const common = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] };
    const self = new URL(import.meta.url).pathname;
    if (phase.startsWith('list')) {
      const n = Number(phase.slice(4));
      return [fork(self, ['--role', 'list', '--n', String(n), '--socket', server.socketPath, '--expect', String(total)], common)];
    }
    if (phase === 'sync') {
      const bundleFile = `${server.dir}/bundle.pem`;
      return import('node:fs').then(({ writeFileSync }) => {
        writeFileSync(bundleFile, bundlePem);
        return [fork(self, ['--role', 'sync', '--address', address, '--bundle', bundleFile, '--token', syncToken, '--expect', String(AGENT_ENTRIES)], common)];
      });
    }
    return [];
  }

  // Warm-up: JIT and connections.
  await runProbes(2);
  const results = [];
  for (const phase of PHASES) {
    const kids = await startLoad(phase);
    children.push(...kids);
    if (kids.length) await sleep(1500); // let the loaders reach steady state
    const r = await runProbes(SECONDS);
    const load = await Promise.all(
      kids.map(
        (k) =>
          new Promise((resolve, reject) => {
            k.once('message', resolve);
            k.once('exit', (code) => (code ? reject(new Error(`${phase} loader exited with ${code}`)) : undefined));
            k.send('stop');
          }),
      ),
    );
    results.push({ phase, r, load, mem: memOf(server.pid) });
  }

  console.log(`API latency under large answers (real server, SQLite, ${ENTRIES} entries listed, ${AGENT_ENTRIES} on the syncing agent, ${SECONDS} s per phase)`);
  console.log(`machine: ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; populated in ${populateS.toFixed(1)} s`);
  const base = results.find((x) => x.phase === 'baseline');
  for (const { phase, r, load, mem } of results) {
    const lt = load.flatMap((l) => l.times);
    const loadNote = lt.length ? `; load: ${load.reduce((n, l) => n + l.done, 0)} large answers, median ${ms(q(lt, 0.5)).trim()}, max ${ms(Math.max(...lt)).trim()}` : '';
    console.log(`\n[${phase}] server VmHWM ${mem.hwm.toFixed(0)} MiB, VmRSS ${mem.rss.toFixed(0)} MiB${loadNote}`);
    for (const [name, { lat, errors }] of Object.entries(r)) {
      const ratio = base ? (q(lat, 0.99) / q(base.r[name].lat, 0.99)).toFixed(2) : '-';
      console.log(`  ${name.padEnd(17)} n=${String(lat.length).padStart(5)} p50 ${ms(q(lat, 0.5))} p99 ${ms(q(lat, 0.99))} max ${ms(Math.max(...lat))}  p99/baseline ${ratio}x${errors ? `  errors ${errors}` : ''}`);
    }
  }
  admin.close();
  svid.close();
  prober.close();
} finally {
  for (const k of children) if (k.exitCode === null) k.kill();
  await server.stop();
}
