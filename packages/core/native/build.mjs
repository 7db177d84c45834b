#!/usr/bin/env node
// Builds the optional native CSR verifier (ec-verify.c) with node-gyp, as core's install step.
// It is skipped when the built addon is newer than its sources. A failed build is not an error:
// CSR verification then stays on node:crypto (slower, same verdicts), and the server says so at
// start. SPIRE_TS_REQUIRE_NATIVE=1 (CI) turns a failed build into a failed install.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build', 'Release', 'ec_verify.node');
const sources = ['ec-verify.c', 'binding.gyp'].map((f) => join(here, f));
if (existsSync(out) && sources.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs)) process.exit(0);

// node-gyp comes with the package manager running this script (pnpm and npm both put it on PATH
// or name it in npm_config_node_gyp).
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const r = spawnSync(cmd, [...args, 'rebuild', '--directory', here], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (r.status === 0) process.exit(0);
const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').slice(-5).join('\n');
console.warn(`@spire-ts/core: the native CSR verifier was not built; CSR checks use node:crypto instead.\n${why}`);
process.exit(process.env.SPIRE_TS_REQUIRE_NATIVE === '1' ? 1 : 0);
