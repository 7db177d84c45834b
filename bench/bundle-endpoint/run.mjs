#!/usr/bin/env node
// The bundle endpoint (issue 15): GET / per second through a real `spire-server run` serving
// `federation.bundle_endpoint` (https_spiffe), against a plain node:https server that serves the
// same bytes with a P-256 certificate, measured in the same run. Both servers run in their own
// process; the load comes from a third (client.mjs): `--connections` keep-alive TLS connections,
// one request in flight on each, for `--seconds`. Rounds alternate plain / endpoint so that a
// change in machine load hits both. Prints requests/s, p50/p99 latency, server CPU-µs per request,
// and the ratio of the endpoint's requests/s to the plain server's.
//
//   node bench/bundle-endpoint/run.mjs [--seconds 5] [--connections 16] [--rounds 2]
// Build first: bash scripts/pnpm.sh exec tsc -b
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get } from 'node:https';
import { ServerProcess } from '@spire-ts/test/harness';
import { cpuSecondsOf, num } from '../api-signing/measure.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SECONDS = Number(arg('seconds', '5'));
const CONNECTIONS = Number(arg('connections', '16'));
const ROUNDS = Number(arg('rounds', '2'));
const HERE = fileURLToPath(new URL('.', import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const fetchOnce = (port) =>
  new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`status ${res.statusCode}`))));
    }).on('error', reject);
  });

function load(port) {
  const client = fork(join(HERE, 'client.mjs'), [String(port), String(CONNECTIONS), String(SECONDS)]);
  return new Promise((resolve, reject) => {
    client.once('message', resolve);
    client.once('exit', (code) => code && reject(new Error(`client exited with ${code}`)));
  });
}

async function measure(pid, port) {
  const cpu0 = cpuSecondsOf(pid);
  const r = await load(port);
  const cpu = cpuSecondsOf(pid) - cpu0;
  return { ...r, rate: r.requests / r.wall, cpuPerReqUs: (cpu / r.requests) * 1e6 };
}

const tmp = mkdtempSync(join(tmpdir(), 'bundle-bench-'));
const server = new ServerProcess();
let plain;
try {
  console.log(`The bundle endpoint against plain node:https, ${CONNECTIONS} keep-alive connections, ${SECONDS} s a round, ${ROUNDS} rounds`);
  console.log(`load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const bePort = await freePort();
  await server.start({
    logLevel: 'INFO',
    extraServer: `federation {\n    bundle_endpoint {\n      address = "127.0.0.1"\n      port = ${bePort}\n      profile "https_spiffe" {}\n    }\n  }`,
  });
  const body = await fetchOnce(bePort);
  const bodyPath = join(tmp, 'bundle.json');
  execFileSync('bash', ['-c', `cd ${tmp} && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=plain 2>/dev/null`]);
  (await import('node:fs')).writeFileSync(bodyPath, body);
  const plainPort = await freePort();
  plain = fork(join(HERE, 'plain-server.mjs'), [String(plainPort), tmp]);
  await new Promise((r) => plain.once('message', r));
  console.log(`document: ${num(body.length)} bytes (the endpoint's answer, served as is by the plain server)`);
  const rows = [];
  for (let i = 0; i < ROUNDS; i++) {
    const p = await measure(plain.pid, plainPort);
    const e = await measure(server.pid, bePort);
    rows.push({ p, e });
    console.log(
      `round ${i + 1}: plain ${num(p.rate)} req/s (p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, ${num(p.cpuPerReqUs)} CPU-µs/req); ` +
        `endpoint ${num(e.rate)} req/s (p50 ${e.p50.toFixed(2)} ms, p99 ${e.p99.toFixed(2)} ms, ${num(e.cpuPerReqUs)} CPU-µs/req); ratio ${(e.rate / p.rate).toFixed(2)}`,
    );
  }
  const sum = (f) => rows.reduce((a, r) => a + f(r), 0);
  const ratio = sum((r) => r.e.rate) / sum((r) => r.p.rate);
  console.log(`\n| server | req/s | p50 ms | p99 ms | server CPU-µs per request |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  for (const [name, k] of [['plain node:https', 'p'], ['bundle endpoint (spire-server run)', 'e']]) {
    console.log(`| ${name} | ${num(sum((r) => r[k].rate) / rows.length)} | ${(sum((r) => r[k].p50) / rows.length).toFixed(2)} | ${(sum((r) => r[k].p99) / rows.length).toFixed(2)} | ${num(sum((r) => r[k].cpuPerReqUs) / rows.length)} |`);
  }
  console.log(`\nratio endpoint / plain: ${ratio.toFixed(2)} (target >= 0.8): ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`);
  console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  plain?.kill();
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
