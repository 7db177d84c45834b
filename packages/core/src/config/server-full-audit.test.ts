import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { validatePlugins } from '../catalog/catalog.js';
import { runInProcess } from '../cli/test-support/run-in-process.js';
import { parseServerConfigText, type LoadResult } from './load.js';
import { formatProblem } from './problem.js';
import type { HclValue } from './hcl/ast.js';
import { configWith, hclValue, sampleKeys, type SampleKey } from './sample-keys.test-support.js';
import { CLASSIFICATION, type Classification } from './server-full-table.test-support.js';

// Tests run from packages/core/dist/config.
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const FULL = readFileSync(join(REPO, 'conf', 'server', 'server_full.conf'), 'utf8');
const BASE = `server {
  trust_domain = "example.org"
  data_dir = "/var/lib/spire"
}
plugins {
  KeyManager "memory" {}
}
`;

const fileKeys = sampleKeys(FULL, 'server_full.conf');

/**
 * A key of server_full.conf, or, for a key the file leaves out, of its entry's sample (or of
 * `sample`, the sample of the entry that needs it `with` it).
 */
function keyOf(option: string, sample = CLASSIFICATION[option]?.sample): SampleKey {
  const inFile = fileKeys.find((k) => k.option === option);
  if (inFile) return inFile;
  assert.ok(sample, `${option}: not in server_full.conf, and its entry has no sample`);
  const found = sampleKeys(sample, 'sample').find((k) => k.option === option);
  assert.ok(found, `${option}: its entry's sample does not write it`);
  return found;
}

/** The keys an entry needs written with it, with their sample values. */
function withKeys(c: Pick<Classification, 'with' | 'sample'>): { key: SampleKey; value: HclValue }[] {
  return (c.with ?? []).map((o) => keyOf(o, c.sample)).map((key) => ({ key, value: key.value }));
}

function parse(text: string): LoadResult {
  return parseServerConfigText(text, { filename: 'server.conf', cwd: REPO });
}

/** The value at a dotted path, mapping over arrays on the way. */
function fieldValue(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const seg of path.split('.')) {
    cur = Array.isArray(cur) ? cur.map((x) => (x as Record<string, unknown> | undefined)?.[seg]) : (cur as Record<string, unknown> | undefined)?.[seg];
  }
  return cur;
}

interface Probe {
  key: SampleKey;
  c: Classification;
  /** The config with the key set (to the probe value, or the sample's). */
  probed: LoadResult;
  text: string;
}

function probe(option: string, c: Classification): Probe {
  const key = keyOf(option);
  const others = withKeys(c);
  const value = c.probe !== undefined ? hclValue(c.probe) : key.value;
  const text = configWith(BASE, [...others, { key, value }]);
  return { key, c, probed: parse(text), text };
}

function baselineFor(p: Probe, c: Classification & { baseline?: 'default' }): LoadResult {
  if (c.baseline === 'default') return parse(BASE);
  return parse(configWith(BASE, [...withKeys(c), { key: p.key }]));
}

const problemsOf = (r: LoadResult): string[] => r.problems.map(formatProblem);

function assertEffect(p: Probe, field: string, baseline: LoadResult, what: string): void {
  assert.deepEqual(problemsOf(p.probed), [], `${what}: the config with it set has problems:\n${p.text}`);
  assert.deepEqual(problemsOf(baseline), [], `${what}: the config without it has problems`);
  const before = fieldValue(baseline.config, field);
  const after = fieldValue(p.probed.config, field);
  assert.ok(!isDeepStrictEqual(before, after), `${what}: ${field} is ${JSON.stringify(after)} with or without it (give a probe value)`);
}

/** True when a problem names `option` (or a block it is in, for `problem` naming a block). */
function refusedBy(r: LoadResult, option: string): boolean {
  return r.problems.some((x) => x.option === option && formatProblem(x).includes(`${option}: `));
}

function assertRead(option: string, field: string, readBy: string, reads?: string): void {
  assert.ok(!readBy.includes('/config/') && !/\.test\.ts$|test-support|\.fake\.ts$/.test(readBy), `${option}: ${readBy} is not a reader outside config/`);
  const path = join(REPO, 'packages', readBy);
  assert.ok(existsSync(path), `${option}: ${readBy} does not exist`);
  const name = reads ?? field.split('.').at(-1)!;
  assert.match(readFileSync(path, 'utf8'), new RegExp(`\\b${name}\\b`), `${option}: ${readBy} does not read ${name}`);
}

test('the walk finds the active and the commented-out keys of server_full.conf', () => {
  const options = fileKeys.map((k) => k.option);
  for (const o of ['server.trust_domain', 'server.log_file', 'server.experimental.max_pending_svids', `plugins.NodeAttestor.my_attestor.plugin_cmd`, 'health_checks.ready_path']) {
    assert.ok(options.includes(o), o);
  }
  assert.equal(new Set(options).size, options.length, 'a key is written twice');
});

test('every key of server_full.conf is classified (a new key fails here until it is)', () => {
  const missing = fileKeys.map((k) => k.option).filter((o) => !(o in CLASSIFICATION));
  assert.deepEqual(missing, []);
});

for (const [option, c] of Object.entries(CLASSIFICATION)) {
  test(`${option}: ${c.kind}`, () => {
    const p = probe(option, c);
    if (c.kind === 'effect') {
      assertEffect(p, c.field, baselineFor(p, c), option);
      assertRead(option, c.field, c.readBy, c.reads);
      if (c.probe === undefined) return;
      // The sample's own value is accepted too (unless it names a file that is not there).
      const sampleOnly = configWith(BASE, [...withKeys(c), ...withKeys({ with: c.sampleWith, sample: c.sample }), { key: p.key, value: p.key.value }]);
      if (!/_file|_path/.test(option)) assert.deepEqual(problemsOf(parse(sampleOnly)), [], `${option}: the sample's value is refused`);
    } else {
      const named = c.problem ?? option;
      assert.ok(refusedBy(p.probed, named), `${option}: no problem names ${named}:\n${problemsOf(p.probed).join('\n')}\n${p.text}`);
      assert.equal(p.probed.config, undefined);
    }
  });
}

test('each built-in plugin server_full.conf declares loads, or is refused by name', async () => {
  const r = parse(FULL);
  assert.ok(r.config, problemsOf(r).join('\n'));
  const builtins = r.config.plugins.filter((p) => p.pluginCmd === undefined);
  assert.deepEqual(builtins.map((p) => `${p.type} "${p.name}"`), ['DataStore "sql"', 'KeyManager "disk"', 'NodeAttestor "join_token"']);
  const { findings, resolved } = await validatePlugins(r.config.plugins, { trustDomain: r.config.server.trustDomain, dataDir: r.config.server.dataDir });
  for (const p of builtins) {
    const subject = `${p.type} "${p.name}"`;
    const loads = resolved.some((x) => x.cfg.type === p.type && x.cfg.name === p.name);
    assert.ok(loads || findings.some((f) => f.kind === 'error' && f.subject === subject), `${subject}: neither loaded nor refused`);
  }
});

test('validate and run refuse a refused key end to end, naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-audit-'));
  const key = keyOf('server.proxy_protocol_trusted_cidrs');
  writeFileSync(join(dir, 'server.conf'), configWith(BASE, [{ key, value: hclValue('["10.0.0.0/8"]') }]));
  const validate = await runInProcess(['validate', '-config', 'server.conf'], { cwd: dir });
  assert.equal(validate.code, 1);
  assert.match(validate.stderr, /^SPIRE server configuration file is invalid: server\.conf:\d+: server\.proxy_protocol_trusted_cidrs: PROXY protocol is not implemented/);
  const run = await runInProcess(['run', '-config', 'server.conf'], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^server\.conf:\d+: server\.proxy_protocol_trusted_cidrs: PROXY protocol is not implemented/);
});
