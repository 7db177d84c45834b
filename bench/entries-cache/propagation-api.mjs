#!/usr/bin/env node
// Entry propagation through the real API (issue 7): a real `spire-server run` process (SQLite),
// one agent attested with a join token and holding `--background` entries; then, `--rounds` times,
// an entry is created over the admin socket and the agent syncs (SyncAuthorizedEntries, as
// SPIRE's agent) until it sees it. Reports the time from the create call to the sync that shows
// the entry (median, p99, max), how many syncs that took, and the ratio against the baseline
// measured in the same run: one create call followed by one sync in which nothing is expected.
//
//   node bench/entries-cache/propagation-api.mjs [--background 10000] [--rounds 50] [--events true|false]
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { joinTokenAttestor } from '@spire-ts/test';
import { ServerProcess } from '@spire-ts/test/harness';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const BACKGROUND = Number(arg('background', '10000'));
const ROUNDS = Number(arg('rounds', '50'));
const EVENTS = arg('events', 'false') === 'true';
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x) => `${x.toFixed(1)} ms`;

const server = new ServerProcess();
try {
  await server.start({ extraServer: EVENTS ? 'experimental { events_based_cache = true }' : '' });
  const agent = await server.agent();
  const { spiffeId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
  const u = new URL(spiffeId);
  const parent = { trust_domain: u.host, path: u.pathname };
  for (let i = 0; i < BACKGROUND; i += 500) {
    const entries = [];
    for (let j = i; j < Math.min(BACKGROUND, i + 500); j++) {
      entries.push({ spiffe_id: { trust_domain: 'example.org', path: `/bg/w${j}` }, parent_id: parent, selectors: [{ type: 'unix', value: `uid:${j}` }], x509_svid_ttl: 0, jwt_svid_ttl: 0 });
    }
    await server.admin('entry', 'BatchCreateEntry', { entries });
  }
  await agent.sync();
  if (agent.entries.size !== BACKGROUND) throw new Error(`agent sees ${agent.entries.size} entries, expected ${BACKGROUND}`);

  // Rounds alternate the baseline (a create call then one sync, for an entry the agent does not
  // get: another parent) and the measurement, so both see the same warm-up and load.
  const base = [];
  const times = [];
  const syncs = [];
  for (let r = -5; r < ROUNDS; r++) {
    let t0 = performance.now();
    await server.createEntry({ spiffeId: `spiffe://example.org/other/b${r}`, parentId: 'spiffe://example.org/spire/agent/join_token/nobody', selectors: [{ type: 'unix', value: `uid:b${r}` }] });
    await agent.sync();
    if (r >= 0) base.push(performance.now() - t0);

    t0 = performance.now();
    const id = await server.createEntry({ spiffeId: `spiffe://example.org/new/n${r}`, parentId: spiffeId, selectors: [{ type: 'unix', value: `uid:n${r}` }] });
    let n = 0;
    for (;;) {
      n++;
      await agent.sync();
      if (agent.entries.has(id)) break;
      if (performance.now() - t0 > 30_000) throw new Error(`entry ${id} not visible after 30 s`);
    }
    if (r >= 0) {
      times.push(performance.now() - t0);
      syncs.push(n);
    }
  }
  agent.close();

  console.log(`entry propagation through the API (real server, SQLite, ${BACKGROUND} entries on the agent, ${ROUNDS} rounds, events_based_cache=${EVENTS})`);
  console.log(`machine: ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  create -> visible in a sync: median ${ms(q(times, 0.5))}, p99 ${ms(q(times, 0.99))}, max ${ms(Math.max(...times))}`);
  console.log(`  syncs needed: ${Math.min(...syncs)}..${Math.max(...syncs)} (1 = within one sync)`);
  console.log(`  baseline (create call + one sync, nothing to see): median ${ms(q(base, 0.5))}, p99 ${ms(q(base, 0.99))}`);
  console.log(`  ratio median propagation / median baseline: ${(q(times, 0.5) / q(base, 0.5)).toFixed(2)}x (target: under 1 s absolute)`);
} finally {
  await server.stop();
}
