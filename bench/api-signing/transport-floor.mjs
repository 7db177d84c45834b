// Transport floors: what a bare grpc-js server costs for the same calls as a bench case, with no
// SPIRE in it, on the same machine and grpc-js, with the client in another process.
//   transportFloor  the sync case: paced bidirectional calls over mTLS. The handler reads the one
//                   request, answers a fixed message of the real answer's size and ends the
//                   stream. Same number of clients (each its own TLS connection, one call every
//                   interval, staggered).
//   unaryFloor      the MintX509SVID cases: unary calls on a Unix socket, N in flight, fixed
//                   request and answer of the real messages' sizes.
//
//   import { transportFloor, unaryFloor } from './transport-floor.mjs';
//   await transportFloor({ agents: 1000, intervalMs: 5000, seconds: 15, bytes: 5000 })
//     -> { calls, wallS, serverCpuS, cpuPerCallUs, serverPctOfCore, p50, p99 }
//   await unaryFloor({ inflight: 64, seconds: 5, requestBytes: 300, answerBytes: 1200 })
//     -> { calls, wallS, serverCpuS, cpuPerCallUs, serverPctOfCore, clientPctOfCore, p50, p99 }
//
// Roles (internal): `node transport-floor.mjs server|client|unary-server|unary-client ...`.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, quantile } from './measure.mjs';

const grpc = createRequire(import.meta.resolve('@spire-ts/test'))('@grpc/grpc-js');
const SELF = fileURLToPath(import.meta.url);
const raw = (b) => b;
const SERVICE = {
  sync: { path: '/floor.Floor/Sync', requestStream: true, responseStream: true, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  mint: { path: '/floor.Floor/Mint', requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
};

/** A CA, a server certificate for 127.0.0.1 and one client certificate, P-256, in `dir`. */
function makeCerts(dir) {
  const sh = (cmd) => execFileSync('bash', ['-c', cmd], { cwd: dir, stdio: 'ignore' });
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';
  sh(`openssl req -x509 ${ec} -keyout ca.key -out ca.pem -days 1 -subj /CN=floor-ca -addext basicConstraints=critical,CA:true`);
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']]) {
    sh(`openssl req ${ec} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
    sh(`openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 1 -extfile <(printf '${ext}')`);
  }
}

/**
 * Forks the floor's server role, then its client role (with the server's first message, e.g. its
 * port, appended to `clientArgs`), waits for the client to be ready, runs it once and measures
 * the server process's CPU meanwhile. The client answers with `{ calls, p50, p99, cpuS? }`.
 */
async function runFloor(serverArgs, clientArgs) {
  const server = fork(SELF, serverArgs);
  const first = await new Promise((resolve) => server.once('message', resolve));
  const client = fork(SELF, [...clientArgs(first)]);
  try {
    await new Promise((resolve) => client.once('message', resolve)); // connected and warmed up
    const cpu0 = cpuSecondsOf(server.pid);
    const t0 = performance.now();
    client.send('go');
    const r = await new Promise((resolve) => client.once('message', resolve));
    const serverCpuS = cpuSecondsOf(server.pid) - cpu0;
    const wallS = (performance.now() - t0) / 1000;
    const out = { ...r, wallS, serverCpuS, cpuPerCallUs: (serverCpuS / r.calls) * 1e6, serverPctOfCore: (serverCpuS / wallS) * 100 };
    if (r.cpuS !== undefined) out.clientPctOfCore = (r.cpuS / wallS) * 100;
    return out;
  } finally {
    server.kill();
    client.kill();
  }
}

export async function transportFloor({ agents, intervalMs, seconds, bytes }) {
  const dir = mkdtempSync(join(tmpdir(), 'transport-floor-'));
  try {
    makeCerts(dir);
    return await runFloor(['server', dir, String(bytes)], (port) => ['client', dir, String(port), String(agents), String(intervalMs), String(seconds)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function unaryFloor({ inflight, seconds, requestBytes, answerBytes }) {
  const dir = mkdtempSync(join(tmpdir(), 'unary-floor-'));
  const socket = join(dir, 'floor.sock');
  try {
    return await runFloor(['unary-server', socket, String(answerBytes)], () => ['unary-client', socket, String(inflight), String(seconds), String(requestBytes)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serveUnary(socket, bytes) {
  const answer = Buffer.alloc(bytes, 0x5a);
  const s = new grpc.Server();
  s.addService(SERVICE, { mint: (_call, cb) => cb(null, answer) });
  await new Promise((resolve, reject) => s.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  process.send('up');
}

async function driveUnary(socket, inflight, seconds, requestBytes) {
  const Client = grpc.makeGenericClientConstructor(SERVICE);
  const c = new Client(`unix://${socket}`, grpc.credentials.createInsecure());
  const req = Buffer.alloc(requestBytes, 0x42);
  const once = () => new Promise((resolve, reject) => c.mint(req, (e, v) => (e ? reject(e) : resolve(v))));
  const loop = async (endAt, lat) => {
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (performance.now() < endAt) {
          const t = performance.now();
          await once();
          lat?.push(performance.now() - t);
        }
      }),
    );
  };
  await loop(performance.now() + 1000); // warm up
  process.send('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const lat = [];
  const cpu0 = process.cpuUsage();
  await loop(performance.now() + seconds * 1000, lat);
  const cpu = process.cpuUsage(cpu0);
  process.send({ calls: lat.length, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), cpuS: (cpu.user + cpu.system) / 1e6 });
}

async function serve(dir, bytes) {
  const answer = Buffer.alloc(bytes, 0x5a);
  const s = new grpc.Server();
  s.addService(SERVICE, {
    sync: (call) => {
      call.once('data', () => {
        call.write(answer);
        call.end();
      });
    },
  });
  const creds = grpc.ServerCredentials.createSsl(readFileSync(join(dir, 'ca.pem')), [{ private_key: readFileSync(join(dir, 'server.key')), cert_chain: readFileSync(join(dir, 'server.pem')) }], true);
  const port = await new Promise((resolve, reject) => s.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))));
  process.send(port);
}

async function drive(dir, port, agents, intervalMs, seconds) {
  const creds = grpc.credentials.createSsl(readFileSync(join(dir, 'ca.pem')), readFileSync(join(dir, 'client.key')), readFileSync(join(dir, 'client.pem')));
  const Client = grpc.makeGenericClientConstructor(SERVICE);
  // One connection per simulated agent, as each agent has its own.
  const clients = Array.from({ length: agents }, () => new Client(`127.0.0.1:${port}`, creds, { 'grpc.use_local_subchannel_pool': 1 }));
  const once = (c) =>
    new Promise((resolve, reject) => {
      const call = c.sync();
      call.on('data', () => undefined);
      call.on('end', resolve);
      call.on('error', reject);
      call.write(Buffer.alloc(0));
      call.end();
    });
  for (let i = 0; i < agents; i += 50) await Promise.all(clients.slice(i, i + 50).map(once));
  process.send('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const lat = [];
  const t0 = performance.now();
  const endAt = t0 + seconds * 1000;
  await Promise.all(
    clients.map(async (c, i) => {
      for (let due = t0 + (i / agents) * intervalMs; due < endAt; due += intervalMs) {
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const start = performance.now();
        await once(c);
        lat.push(performance.now() - start);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  process.send({ calls: lat.length, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) });
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'server') await serve(rest[0], Number(rest[1]));
else if (role === 'client') await drive(rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]), Number(rest[4]));
else if (role === 'unary-server') await serveUnary(rest[0], Number(rest[1]));
else if (role === 'unary-client') await driveUnary(rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]));
