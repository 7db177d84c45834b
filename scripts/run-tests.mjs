#!/usr/bin/env node
// Runs every compiled *.test.js below the given directories (default: all packages and the
// end-to-end suites) in one node:test run, so that a single summary closes the output.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const passthrough = args.filter((a) => a.startsWith('--'));
let dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  dirs = readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d));
  dirs.push(join(root, 'test'));
}

function collect(dir, out) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
}

const files = [];
for (const d of dirs) collect(join(resolve(d), 'dist'), files);
files.sort();
if (files.length === 0) {
  console.error(`no compiled test files under: ${dirs.join(', ')} (did the build run?)`);
  process.exit(1);
}
const concurrency = process.env.SPIRE_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...passthrough, ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
