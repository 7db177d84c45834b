// Signing benchmark: X509-SVIDs/s (CSR verification + certificate signing through the CA's
// piscina worker pool) and JWT-SVIDs/s, beside this machine's raw ECDSA P-256 verify+sign rate
// on all cores (node:crypto in worker threads), measured in the same run. Prints the ratio.
//
//   node bench/signing/run.mjs [--seconds 3] [--rounds 3] [--batch 50] [--threads N]
//
// The machine may be shared, so the baseline and the CA are measured in alternating rounds, each
// figure is also given per CPU-second of this process (all threads), and medians are reported.
//
// Build first: bash scripts/pnpm.sh exec tsc -b
import { performance } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import {
  InProcessKeyManager,
  ServerCA,
  TrustDomain,
  createSigningPool,
  selfSignX509CA,
  signerFor,
} from '@spire-ts/core';
import { workloadCsr } from '@spire-ts/core/ca-testing';
import { measured, rawBaseline as runRaw } from './raw-baseline.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('seconds', 3);
const rounds = arg('rounds', 3);
const batch = arg('batch', 50);
const threads = arg('threads', availableParallelism());
const durationMs = seconds * 1000;
const rawBaseline = (mode) => runRaw({ threads, durationMs, mode });

async function runFor(ms, inflight, once) {
  const end = performance.now() + ms;
  let done = 0;
  const loop = async () => {
    while (performance.now() < end) {
      // Not `done += await once()`: that reads `done` before awaiting and loses concurrent updates.
      const n = await once();
      done += n;
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
  return done;
}

async function setupCA() {
  const td = TrustDomain.parse('example.org');
  const pool = createSigningPool({ threads });
  const km = new InProcessKeyManager();
  await km.generateKey('x509-CA-A', 'ec-p256');
  await km.generateKey('JWT-Signer-A', 'ec-p256');
  const signer = await signerFor(km, 'x509-CA-A', pool);
  const now = Date.now();
  const cert = await selfSignX509CA(signer, { trustDomainId: td.idString() }, now, 24 * 3600_000);
  const ca = new ServerCA({ trustDomain: td, clock: { now: () => Date.now() } });
  ca.setX509CA({ signer, certificate: cert, upstreamChain: [] });
  ca.setJWTKey({ signer: await signerFor(km, 'JWT-Signer-A', pool), kid: 'bench', notAfter: now + 24 * 3600_000 });

  // Distinct CSRs, each made and signed by its own key, reused cyclically.
  const csrs = Array.from({ length: 400 }, () => workloadCsr('ec').csr);
  let next = 0;
  const x509Batch = () =>
    Array.from({ length: batch }, (_, i) => ({
      spiffeId: `spiffe://example.org/workload/${i}`,
      csr: csrs[next++ % csrs.length],
      dnsNames: ['svc.example.org'],
    }));
  const jwtReqs = Array.from({ length: batch }, (_, i) => ({ spiffeId: `spiffe://example.org/workload/${i}`, audience: ['bench'] }));
  const inflight = threads * 2;
  const x509 = () =>
    runFor(durationMs, inflight, async () => {
      const res = await ca.signWorkloadX509SVIDs(x509Batch());
      for (const r of res) if (!('certChain' in r)) throw r.error;
      return res.length;
    });
  const jwt = () =>
    runFor(durationMs, inflight, async () => {
      const res = await ca.signWorkloadJWTSVIDs(jwtReqs);
      for (const r of res) if (!('token' in r)) throw r.error;
      return res.length;
    });
  // Warm up the workers (key import, JIT).
  for (let i = 0; i < threads * 4; i++) {
    await ca.signWorkloadX509SVIDs(x509Batch());
    await ca.signWorkloadJWTSVIDs(jwtReqs);
  }
  return { x509, jwt, close: () => pool.close() };
}

console.log(`signing bench: ${threads} worker threads, batches of ${batch}, ${rounds} rounds of ${seconds}s per measurement, node ${process.version}`);
const bench = await setupCA();
const fmt = (n) => n.toFixed(0).padStart(7);
const rows = [];
for (let r = 1; r <= rounds; r++) {
  const raw = await measured(() => rawBaseline('same'));
  const x509 = await measured(() => bench.x509());
  const fresh = await measured(() => rawBaseline('fresh'));
  const jwt = await measured(() => bench.jwt());
  rows.push({ raw, fresh, x509, jwt });
  console.log(
    `round ${r}: raw verify+sign ${fmt(raw.rate)}/s | fresh-key verify+sign ${fmt(fresh.rate)}/s | X509-SVIDs ${fmt(x509.rate)}/s | JWT-SVIDs ${fmt(jwt.rate)}/s` +
      ` | ratio ${(x509.rate / raw.rate).toFixed(2)} | per CPU-second: ratio ${(x509.perCpu / raw.perCpu).toFixed(2)} (fresh-key ${(x509.perCpu / fresh.perCpu).toFixed(2)})`,
  );
}
await bench.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = (f) => median(rows.map(f));
console.log('');
console.log(`median raw ECDSA P-256 verify+sign (node:crypto, ${threads} threads): ${fmt(med((x) => x.raw.rate))} ops/s  (${fmt(med((x) => x.raw.perCpu))} per CPU-second)`);
console.log(`median fresh-key verify+sign (new public key per verify):   ${fmt(med((x) => x.fresh.rate))} ops/s  (${fmt(med((x) => x.fresh.perCpu))} per CPU-second)`);
console.log(`median X509-SVIDs (CSR verify + sign, worker pool):         ${fmt(med((x) => x.x509.rate))} /s     (${fmt(med((x) => x.x509.perCpu))} per CPU-second)`);
console.log(`median JWT-SVIDs (ES256, worker pool):                      ${fmt(med((x) => x.jwt.rate))} /s     (${fmt(med((x) => x.jwt.perCpu))} per CPU-second)`);
console.log(`median ratio X509-SVIDs/s : raw verify+sign/s = ${med((x) => x.x509.rate / x.raw.rate).toFixed(2)} wall-clock, ${med((x) => x.x509.perCpu / x.raw.perCpu).toFixed(2)} per CPU-second (target >= 0.60)`);
console.log(`median ratio X509-SVIDs : fresh-key verify+sign = ${med((x) => x.x509.perCpu / x.fresh.perCpu).toFixed(2)} per CPU-second`);
