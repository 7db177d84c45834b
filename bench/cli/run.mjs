// CLI benchmark: `spire-server entry create -data` with many entries and `entry show` over all of
// them, beside a baseline measured in the same run: the same entries sent straight through the API
// client (BatchCreateEntry in the CLI's batch size; ListEntries paged at 500) against a fresh
// server of the same kind. The ratio is the CLI's cost over the bare API calls (file parsing,
// printing every entry, process start).
//
//   node bench/cli/run.mjs [--entries 100000]
//
// Build first: bash scripts/pnpm.sh exec tsc -b
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../packages/core/dist/', import.meta.url);
const { startTestServer } = await import(new URL('cli/test-support/api-server.js', dist));
const { ApiClient } = await import(new URL('cli/api-client.js', dist));
const { ENTRY_BATCH_SIZE } = await import(new URL('cli/commands/entry/batches.js', dist));
const BIN = fileURLToPath(new URL('../../bin/spire-server', import.meta.url));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('entries', 100_000);

const fileEntries = Array.from({ length: N }, (_, i) => ({
  spiffe_id: `spiffe://example.org/bench/${i}`,
  parent_id: 'spiffe://example.org/agent',
  selectors: [{ type: 'unix', value: `uid:${i}` }],
}));
const apiEntries = fileEntries.map((e) => ({
  spiffe_id: { trust_domain: 'example.org', path: e.spiffe_id.slice('spiffe://example.org'.length) },
  parent_id: { trust_domain: 'example.org', path: '/agent' },
  selectors: e.selectors,
}));

function cli(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}: ${stderr.slice(0, 500)}`))));
  });
}

async function baseline() {
  const server = await startTestServer();
  const client = new ApiClient(server.socketPath);
  try {
    let t = performance.now();
    for (let i = 0; i < N; i += ENTRY_BATCH_SIZE) {
      const res = await client.call('entry', 'BatchCreateEntry', { entries: apiEntries.slice(i, i + ENTRY_BATCH_SIZE) });
      if (res.results.some((r) => r.status.code !== 0)) throw new Error('baseline create failed');
    }
    const create = performance.now() - t;
    t = performance.now();
    let token = '';
    let seen = 0;
    do {
      const res = await client.call('entry', 'ListEntries', { page_size: 500, page_token: token });
      seen += res.entries.length;
      token = res.next_page_token;
    } while (token);
    if (seen !== N) throw new Error(`baseline listed ${seen}`);
    return { create, show: performance.now() - t };
  } finally {
    client.close();
    await server.stop();
  }
}

async function viaCli() {
  const server = await startTestServer();
  try {
    writeFileSync(join(server.dir, 'entries.json'), JSON.stringify({ entries: fileEntries }));
    let t = performance.now();
    await cli(['entry', 'create', '-data', 'entries.json', '-socketPath', server.socketPath], server.dir);
    const create = performance.now() - t;
    t = performance.now();
    await cli(['entry', 'show', '-socketPath', server.socketPath], server.dir);
    return { create, show: performance.now() - t };
  } finally {
    await server.stop();
  }
}

const base = await baseline();
const mine = await viaCli();
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rate = (ms) => `${Math.round(N / (ms / 1000))} entries/s`;
console.log(`entries: ${N} (batches of ${ENTRY_BATCH_SIZE}, SQLite test server)`);
console.log(`create  baseline API ${s(base.create)} (${rate(base.create)})   CLI ${s(mine.create)} (${rate(mine.create)})   ratio CLI/API ${(mine.create / base.create).toFixed(2)}`);
console.log(`show    baseline API ${s(base.show)} (${rate(base.show)})   CLI ${s(mine.show)} (${rate(mine.show)})   ratio CLI/API ${(mine.show / base.show).toFixed(2)}`);
