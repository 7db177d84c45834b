#!/usr/bin/env node
// SVID signing with the CA key held by a remote key service (issues 19 and 21). Runs a real
// `spire-server run` once per KeyManager, one after the other: the disk KeyManager (baseline),
// "aws_kms" on the AWS emulator and "hashicorp_vault" on the Vault emulator (Transit), both in
// this process, whose replies are delayed by --latency ms, as a real round trip is. A client in
// another process (bench/api-signing/client.mjs) calls MintX509SVID on the admin socket with
// several calls in flight. With a remote key each SVID costs one Sign call (KMS Sign, Transit
// sign). Were Sign calls made one at a time, throughput could never pass 1000 / latency SVIDs/s
// (the serial bound); with several in flight it follows in-flight × 1000 / latency until CPU
// runs out. Prints SVIDs/s, p50/p99, Sign calls per SVID, the ratio to the disk baseline, to the
// serial bound and to the in-flight bound, and the CPU each process spends per SVID (server,
// emulator, client): on a small machine the three share the cores, and the ceiling is reached
// only while none of them saturates.
//
//   node bench/remote-kms-sign/run.mjs [--seconds 5] [--latency 5] [--inflight 1,2,4,16,64]
//        [--only disk|aws_kms|hashicorp_vault] [--cpu-prof DIR]   (a V8 CPU profile of each server into DIR)
//
// Build first: bash scripts/pnpm.sh exec tsc -b
import { loadavg } from 'node:os';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { startVaultFixture } from '@spire-ts/emulator-vault';
import { pluginBlock, ServerProcess } from '@spire-ts/test/harness';
import { startClient } from '../api-signing/client-process.mjs';
import { cpuSecondsOf, num } from '../api-signing/measure.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SECONDS = Number(arg('seconds', '5'));
const LATENCY = Number(arg('latency', '5'));
const INFLIGHT = arg('inflight', '1,2,4,16,64').split(',').map(Number);
const ONLY = arg('only');
const PROF = arg('cpu-prof');

/** The KeyManagers compared: how each is configured, and its emulator's latency and Sign count. */
const backends = {
  disk: async () => ({ keyManager: undefined, env: {}, setLatencyMs() {}, signs: () => 0, close: async () => {} }),
  aws_kms: async () => {
    const aws = await AwsEmulator.start();
    return {
      keyManager: pluginBlock('KeyManager', 'aws_kms', { region: aws.region, key_identifier_value: 'bench' }),
      env: aws.env(),
      setLatencyMs: (ms) => aws.setLatencyMs(ms),
      signs: () => aws.calls('kms', 'Sign').length,
      close: () => aws.close(),
    };
  },
  hashicorp_vault: async () => {
    const fx = await startVaultFixture();
    return {
      keyManager: pluginBlock('KeyManager', 'hashicorp_vault', fx.pluginData('token_auth', { key_identifier_value: 'bench' })),
      env: {},
      setLatencyMs: (ms) => fx.emu.http.setLatencyMs(ms),
      signs: () => fx.emu.callsOf('transit.sign').length,
      close: () => fx.close(),
    };
  },
};
console.log(`SVID signing, disk vs remote KeyManagers (emulator latency ${LATENCY} ms): MintX509SVID, ${SECONDS} s per case, load ${loadavg()[0].toFixed(2)}`);

const rows = [];
for (const [name, startBackend] of Object.entries(backends)) {
  if (ONLY && ONLY !== name) continue;
  const backend = await startBackend();
  try {
    const server = new ServerProcess();
    await server.start({
      logLevel: 'WARN',
      nodeArgs: PROF ? ['--cpu-prof', '--cpu-prof-dir', PROF] : [],
      keyManager: backend.keyManager,
      env: backend.env,
      extraServer: 'ratelimit {\n    attestation = false\n    signing = false\n  }',
    });
    const client = startClient();
    try {
      await client.ask({ type: 'init', address: `127.0.0.1:${server.port}`, socket: server.socketPath, bundlePem: await server.bundlePem(), agents: [], callTimeoutMs: 30_000, csrCount: 200 }, 'inited');
      backend.setLatencyMs(LATENCY);
      for (const inflight of INFLIGHT) {
        const c = { kind: 'mint-x509', inflight, seconds: SECONDS, warmupMs: 500, label: `${name}, ${inflight} in flight` };
        await client.ask({ type: 'prepare', case: c }, 'ready');
        const signs0 = backend.signs();
        const cpu0 = cpuSecondsOf(server.pid);
        const emu0 = process.cpuUsage();
        const r = await client.ask({ type: 'go' }, 'result');
        const emu = process.cpuUsage(emu0);
        const serverCpu = cpuSecondsOf(server.pid) - cpu0;
        const signs = backend.signs() - signs0;
        rows.push({
          name,
          inflight,
          rate: r.calls / r.wall,
          p50: r.p50,
          p99: r.p99,
          signsPer: signs / r.calls,
          serverMs: (serverCpu * 1000) / r.calls,
          emulatorMs: ((emu.user + emu.system) / 1000) / r.calls,
          clientMs: (r.cpuSec * 1000) / r.calls,
        });
      }
      await client.ask({ type: 'exit' }, 'exit').catch(() => undefined);
    } finally {
      client.child.kill();
      await server.stop();
    }
  } finally {
    await backend.close();
  }
}

const disk = new Map(rows.filter((r) => r.name === 'disk').map((r) => [r.inflight, r.rate]));
for (const r of rows) {
  const remote = r.name !== 'disk' && LATENCY > 0;
  console.log(
    `${r.name.padEnd(15)} ${String(r.inflight).padStart(3)} in flight: ${num(r.rate).padStart(7)} SVIDs/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms` +
      `  Sign calls per SVID ${r.signsPer.toFixed(2)}  CPU ms per SVID: server ${r.serverMs.toFixed(2)}, emulator ${r.emulatorMs.toFixed(2)}, client ${r.clientMs.toFixed(2)}` +
      (r.name !== 'disk' && disk.has(r.inflight) ? `  ratio to disk ${(r.rate / disk.get(r.inflight)).toFixed(2)}` : '') +
      (remote ? `  × serial bound (${num(1000 / LATENCY)}/s) ${(r.rate / (1000 / LATENCY)).toFixed(2)}, × in-flight bound (${num((r.inflight * 1000) / LATENCY)}/s) ${(r.rate / ((r.inflight * 1000) / LATENCY)).toFixed(2)}` : ''),
  );
}
