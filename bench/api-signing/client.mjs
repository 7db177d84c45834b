// The load client of bench/api-signing, run as a separate process (forked by run.mjs) so that its
// CPU is not the server's. It holds the clients (the admin socket; one mTLS channel per agent),
// and runs one case at a time on the coordinator's word:
//   {type:'init', ...}      -> makes the CSRs it will send, answers {type:'inited'}
//   {type:'prepare', case}  -> builds the clients for the case and warms them up, answers 'ready'
//   {type:'go'}             -> runs the case, answers {type:'result', ...} with counts, latency
//                              quantiles, wall time and this process's CPU time
// Any unexpected answer from the server (a call error, an item status that is not OK, a wrong
// number of entries) ends this process with code 1 after sending {type:'error', message}.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { api } from '@spire-ts/core';
import { csrFor, newKey } from '@spire-ts/test';
import { quantile } from './measure.mjs';

const grpc = createRequire(import.meta.resolve('@spire-ts/test'))('@grpc/grpc-js');
const Svid = api.clientConstructor(api.Services.svid);
const Entry = api.clientConstructor(api.Services.entry);
const RESOURCE_EXHAUSTED = 8;
const DEADLINE_EXCEEDED = 4;
const TD = 'example.org';

let init; // { address, socket, bundlePem, agents: [{ id, keyPem, certPem, entries }], callTimeoutMs, csrCount }
let csrs = []; // bare CSRs, as an agent sends for its workloads
let mintCsrs = []; // CSRs with a URI SAN, as MintX509SVID requires
let admin;
let agentClients = new Map(); // agent index -> { svid, entry }
let prepared; // the case's run function

function fail(err) {
  process.send({ type: 'error', message: err?.stack ?? String(err) }, () => process.exit(1));
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const unary = (client, method, req, timeoutMs = init.callTimeoutMs) =>
  new Promise((resolve, reject) => client[method](req, { deadline: Date.now() + timeoutMs }, (e, v) => (e ? reject(e) : resolve(v))));

/** The clients of agent `i` over one mTLS channel with its SVID; `fresh` gives new connections. */
function clientsOf(i, fresh = false) {
  if (!fresh && agentClients.has(i)) return agentClients.get(i);
  const a = init.agents[i];
  const creds = grpc.credentials.createSsl(Buffer.from(init.bundlePem), Buffer.from(a.keyPem), Buffer.from(a.certPem), { checkServerIdentity: () => undefined });
  const options = { 'grpc.max_receive_message_length': -1, 'grpc.use_local_subchannel_pool': 1 };
  const svid = new Svid(init.address, creds, options);
  const entry = new Entry(init.address, creds, { ...options, channelOverride: svid.getChannel() });
  const c = { svid, entry };
  if (!fresh) agentClients.set(i, c);
  return c;
}

function closeAgentClients() {
  for (const { svid } of agentClients.values()) svid.close();
  agentClients = new Map();
}

function checkSvidResults(results, n) {
  if (results.length !== n) throw new Error(`BatchNewX509SVID answered ${results.length} results for ${n} params`);
  for (const r of results) if (r.status.code !== 0 || !r.svid?.cert_chain?.length) throw new Error(`BatchNewX509SVID item: code ${r.status.code} ${r.status.message}`);
}

/** One SyncAuthorizedEntries as an agent does it; every entry must come whole in one answer. */
function syncOnce(i) {
  const want = init.agents[i].entries.length;
  return new Promise((resolve, reject) => {
    const call = clientsOf(i).entry.SyncAuthorizedEntries({ deadline: Date.now() + init.callTimeoutMs });
    let got;
    call.on('data', (m) => {
      got = m;
      call.end();
    });
    call.on('error', reject);
    call.on('status', (s) => {
      if (s.code !== 0) return; // 'error' rejects
      if (!got) reject(new Error('SyncAuthorizedEntries ended without an answer'));
      else if (got.entries.length !== want || got.entry_revisions.length !== 0 || got.more) {
        reject(new Error(`SyncAuthorizedEntries: ${got.entries.length} entries, ${got.entry_revisions.length} revisions, more=${got.more}; want ${want} entries`));
      } else resolve(1);
    });
    call.write({ output_mask: null, ids: [] });
  });
}

/** The size in bytes of agent `i`'s sync answer as it comes on the wire (for the transport floor). */
function syncAnswerBytes(i) {
  const raw = (b) => b;
  const def = { sync: { path: '/spire.api.server.entry.v1.Entry/SyncAuthorizedEntries', requestStream: true, responseStream: true, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw } };
  const Raw = grpc.makeGenericClientConstructor(def);
  const c = new Raw(init.address, null, { channelOverride: clientsOf(i).entry.getChannel() });
  return new Promise((resolve, reject) => {
    const call = c.sync({ deadline: Date.now() + init.callTimeoutMs });
    let bytes = 0;
    call.on('data', (b) => {
      bytes += b.length;
      call.end();
    });
    call.on('error', reject);
    call.on('status', (st) => (st.code === 0 ? resolve(bytes) : undefined));
    call.write(Buffer.alloc(0)); // an empty SyncAuthorizedEntriesRequest: every entry, no mask
  });
}

/** Runs `workers` closed loops of `once(w)` until `endAt`; each `once` resolves with SVIDs made. */
async function closedLoop(workers, endAt, once) {
  const lat = [];
  let items = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < endAt) {
        const t0 = performance.now();
        const n = await once(w);
        lat.push(performance.now() - t0);
        items += n;
      }
    }),
  );
  return { lat, items, calls: lat.length };
}

/** The call a closed-loop case makes, for loop `w` (each agent case has one loop per agent). */
function closedLoopCall(c) {
  let k = 0;
  switch (c.kind) {
    case 'mint-x509':
      return async () => {
        const r = await unary(admin, 'MintX509SVID', { csr: mintCsrs[k++ % mintCsrs.length], ttl: 0 });
        if (!r.svid?.cert_chain?.length) throw new Error('MintX509SVID answered no certificate');
        return 1;
      };
    case 'batch-x509':
      return async (w) => {
        const a = init.agents[w];
        const base = k;
        k += c.batch;
        const params = Array.from({ length: c.batch }, (_, j) => ({ entry_id: a.entries[(base + j) % a.entries.length], csr: csrs[(base + j) % csrs.length] }));
        checkSvidResults((await unary(clientsOf(w).svid, 'BatchNewX509SVID', { params })).results, c.batch);
        return c.batch;
      };
    case 'new-jwt':
      return async (w) => {
        const a = init.agents[w];
        const r = await unary(clientsOf(w).svid, 'NewJWTSVID', { entry_id: a.entries[k++ % a.entries.length], audience: ['bench'] });
        if (!r.svid?.token) throw new Error('NewJWTSVID answered no token');
        return 1;
      };
    case 'mint-jwt':
      return async () => {
        const r = await unary(admin, 'MintJWTSVID', { id: { trust_domain: TD, path: `/mint/jwt-${k++ % 100}` }, audience: ['bench'], ttl: 0 });
        if (!r.svid?.token) throw new Error('MintJWTSVID answered no token');
        return 1;
      };
    case 'sync-max':
      // The loops take the agents in turn, one SyncAuthorizedEntries at a time each.
      return async () => {
        await syncOnce(k++ % c.agents);
        return 0; // calls, not SVIDs
      };
    default:
      throw new Error(`unknown case ${c.kind}`);
  }
}

/** Each of `c.agents` agents syncs every `c.intervalMs`, staggered over the interval (open loop). */
async function pacedSync(c, endAt) {
  const t0 = performance.now();
  const lat = [];
  let maxLateMs = 0;
  await Promise.all(
    Array.from({ length: c.agents }, async (_, i) => {
      for (let due = t0 + (i / c.agents) * c.intervalMs; due < endAt; due += c.intervalMs) {
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const start = performance.now();
        maxLateMs = Math.max(maxLateMs, start - due);
        await syncOnce(i);
        lat.push(performance.now() - start);
      }
    }),
  );
  return { lat, items: 0, calls: lat.length, maxLateMs };
}

/** Every agent sends one BatchNewX509SVID of `c.each` CSRs at once on a new connection; counts outcomes. */
async function burst(c, requests) {
  const counts = { ok: 0, exhausted: 0, other: 0, hung: 0 };
  const samples = new Set();
  const lat = [];
  await Promise.all(
    requests.map(async ({ client, params }) => {
      const t0 = performance.now();
      try {
        const r = await unary(client, 'BatchNewX509SVID', { params }, c.timeoutMs);
        if (r.results.length !== params.length) throw Object.assign(new Error(`${r.results.length} results for ${params.length} params`), { code: -1 });
        for (const it of r.results) {
          if (it.status.code === 0 && it.svid?.cert_chain?.length) counts.ok++;
          else if (it.status.code === RESOURCE_EXHAUSTED) counts.exhausted++;
          else {
            counts.other++;
            samples.add(`item code ${it.status.code}: ${it.status.message}`);
          }
        }
      } catch (e) {
        if (e.code === RESOURCE_EXHAUSTED) counts.exhausted += params.length;
        else if (e.code === DEADLINE_EXCEEDED) counts.hung += params.length;
        else {
          counts.other += params.length;
          samples.add(`call code ${e.code}: ${e.details ?? e.message}`);
        }
      } finally {
        lat.push(performance.now() - t0);
        client.close();
      }
    }),
  );
  return { lat, items: counts.ok, calls: lat.length, counts, samples: [...samples].slice(0, 5) };
}

async function prepare(c) {
  if (c.kind === 'sync') {
    // Connect every agent (one unmeasured sync each), as agents that have run a while are.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(50, c.agents) }, async () => {
        while (next < c.agents) await syncOnce(next++);
      }),
    );
    return (endAt) => pacedSync(c, endAt);
  }
  if (c.kind === 'burst') {
    // A restart stampede: new connections, every request at once.
    closeAgentClients();
    const requests = Array.from({ length: c.agents }, (_, i) => {
      const a = init.agents[i];
      const params = Array.from({ length: c.each }, (_, j) => ({ entry_id: a.entries[j % a.entries.length], csr: csrs[(i * c.each + j) % csrs.length] }));
      return { client: clientsOf(i, true).svid, params };
    });
    return () => burst(c, requests);
  }
  const once = closedLoopCall(c);
  const workers = c.kind === 'batch-x509' || c.kind === 'new-jwt' ? c.agents : c.inflight;
  await closedLoop(workers, performance.now() + c.warmupMs, once);
  return (endAt) => closedLoop(workers, endAt, once);
}

process.on('message', async (m) => {
  try {
    if (m.type === 'init') {
      init = m;
      admin = new Svid(`unix://${init.socket}`, grpc.credentials.createInsecure());
      const keys = await Promise.all(Array.from({ length: init.csrCount }, () => newKey()));
      csrs = await Promise.all(keys.map((k) => csrFor(k)));
      mintCsrs = await Promise.all(keys.map((k, i) => csrFor(k, `spiffe://${TD}/mint/x509-${i}`)));
      process.send({ type: 'inited' });
    } else if (m.type === 'prepare') {
      prepared = { c: m.case, run: await prepare(m.case) };
      process.send({ type: 'ready' });
    } else if (m.type === 'go') {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await prepared.run(t0 + prepared.c.seconds * 1000);
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const { lat, ...rest } = r;
      process.send({
        type: 'result',
        ...rest,
        wall,
        cpuSec: (cpu.user + cpu.system) / 1e6,
        p50: quantile(lat, 0.5),
        p99: quantile(lat, 0.99),
        max: lat.length ? lat.reduce((a, b) => Math.max(a, b), 0) : NaN,
      });
    } else if (m.type === 'mint-bytes') {
      // The sizes of one MintX509SVID request and answer as serialized on the wire.
      const md = Svid.service.MintX509SVID;
      const req = { csr: mintCsrs[0], ttl: 0 };
      const res = await unary(admin, 'MintX509SVID', req);
      process.send({ type: 'mint-bytes', requestBytes: md.requestSerialize(req).length, answerBytes: md.responseSerialize(res).length });
    } else if (m.type === 'answer-bytes') {
      process.send({ type: 'answer-bytes', bytes: await syncAnswerBytes(0) });
    } else if (m.type === 'exit') {
      closeAgentClients();
      admin.close();
      process.exit(0);
    }
  } catch (err) {
    fail(err);
  }
});
