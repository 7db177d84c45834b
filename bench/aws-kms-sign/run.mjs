#!/usr/bin/env node
// SVID signing with the CA key in KMS (issue 19). Runs a real `spire-server run` twice, one after
// the other: with the disk KeyManager (baseline) and with KeyManager "aws_kms" on the AWS
// emulator (this process), whose replies are delayed by --latency ms, as a real KMS round trip
// is. A client in another process (bench/api-signing/client.mjs) calls MintX509SVID on the admin
// socket with 1, 16 and 64 calls in flight. With a KMS-held key each SVID costs one KMS Sign
// call; when the server keeps several Sign calls in flight, throughput follows
// in-flight / latency instead of 1 / latency. Prints SVIDs/s, p50/p99, Sign calls per SVID, the
// ratio to the disk baseline and to the latency-bound ceiling (in-flight × 1000 / latency).
//
//   node bench/aws-kms-sign/run.mjs [--seconds 5] [--latency 5] [--inflight 1,16,64]
//
// Build first: bash scripts/pnpm.sh exec tsc -b
import { loadavg } from 'node:os';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { ServerProcess } from '@spire-ts/test/harness';
import { startClient } from '../api-signing/client-process.mjs';
import { num } from '../api-signing/measure.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SECONDS = Number(arg('seconds', '5'));
const LATENCY = Number(arg('latency', '5'));
const INFLIGHT = arg('inflight', '1,16,64').split(',').map(Number);

const aws = await AwsEmulator.start();
const keyManagers = {
  disk: undefined,
  aws_kms: `KeyManager "aws_kms" {
    plugin_data {
      region = "${aws.region}"
      key_identifier_value = "bench"
    }
  }`,
};
console.log(`SVID signing, disk vs aws_kms (emulator latency ${LATENCY} ms): MintX509SVID, ${SECONDS} s per case, load ${loadavg()[0].toFixed(2)}`);

const rows = [];
try {
  for (const [name, keyManager] of Object.entries(keyManagers)) {
    const server = new ServerProcess();
    await server.start({
      logLevel: 'WARN',
      keyManager,
      env: aws.env(),
      extraServer: 'ratelimit {\n    attestation = false\n    signing = false\n  }',
    });
    const client = startClient();
    try {
      await client.ask({ type: 'init', address: `127.0.0.1:${server.port}`, socket: server.socketPath, bundlePem: await server.bundlePem(), agents: [], callTimeoutMs: 30_000, csrCount: 200 }, 'inited');
      aws.setLatencyMs(name === 'aws_kms' ? LATENCY : 0);
      for (const inflight of INFLIGHT) {
        const c = { kind: 'mint-x509', inflight, seconds: SECONDS, warmupMs: 500, label: `${name}, ${inflight} in flight` };
        await client.ask({ type: 'prepare', case: c }, 'ready');
        const signs0 = aws.calls('kms', 'Sign').length;
        const r = await client.ask({ type: 'go' }, 'result');
        const signs = aws.calls('kms', 'Sign').length - signs0;
        rows.push({ name, inflight, rate: r.calls / r.wall, p50: r.p50, p99: r.p99, signsPer: signs / r.calls });
      }
      await client.ask({ type: 'exit' }, 'exit').catch(() => undefined);
    } finally {
      client.child.kill();
      await server.stop();
    }
  }
} finally {
  await aws.close();
}

const disk = new Map(rows.filter((r) => r.name === 'disk').map((r) => [r.inflight, r.rate]));
for (const r of rows) {
  const ceiling = r.name === 'aws_kms' && LATENCY > 0 ? (r.inflight * 1000) / LATENCY : undefined;
  console.log(
    `${r.name.padEnd(8)} ${String(r.inflight).padStart(3)} in flight: ${num(r.rate).padStart(7)} SVIDs/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms` +
      `  KMS Sign calls per SVID ${r.signsPer.toFixed(2)}` +
      (r.name === 'aws_kms' ? `  ratio to disk ${(r.rate / disk.get(r.inflight)).toFixed(2)}` : '') +
      (ceiling ? `  ratio to the latency ceiling (${num(ceiling)}/s) ${(r.rate / ceiling).toFixed(2)}` : ''),
  );
}
