#!/usr/bin/env node
// Generates the TypeScript types of this package's .proto messages into src/proto/gen/ (not
// committed) with @grpc/proto-loader's own generator, proto-loader-gen-types. Each set of files is
// generated with the options it is loaded with at run time, so a type is exactly the object
// proto-loader (or protobufjs' toObject with the same options) hands over:
//   gen/api/     the server APIs (src/api/proto.ts)
//   gen/plugin/  the plugin, host-service and go-plugin protocols (src/catalog/external/protos.ts)
//   gen/journal/ the CA journal (src/ca/manager/journal-codec.ts)
//   gen/workload/ the Workload API's FetchX509SVID (src/plugin/nested-spire-wire.ts)
// The sets, their files and options are defined once, in proto/sets.json, which the run-time
// loaders read too (src/proto/sets.ts).
//
// It runs before every tsc -b (core's install, build and test scripts, scripts/setup.sh and the
// root build script). Files whose content did not change are not rewritten, so tsc -b stays
// incremental; files no longer generated are removed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const genDir = join(pkg, 'src', 'proto', 'gen');

/** The sets (files, extra files, options, whether it has services), as src/proto/sets.ts reads them. */
export const SETS = JSON.parse(readFileSync(join(pkg, 'proto', 'sets.json'), 'utf8')).sets;

/** The generator's command-line flags for a set's options. */
function flags(set) {
  return Object.entries(set.options)
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`));
}

function listFiles(dir, base = dir, out = new Map()) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, base, out);
    else out.set(relative(base, p), readFileSync(p, 'utf8'));
  }
  return out;
}

function removeEmptyDirs(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

function generate() {
  const bin = createRequire(join(pkg, 'package.json')).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  const tmp = mkdtempSync(join(tmpdir(), 'spire-ts-proto-gen-'));
  try {
    for (const set of SETS) {
      const args = [bin, ...flags(set), ...(set.grpc ? ['--grpcLib=@grpc/grpc-js'] : []), '--importFileExtension=.js', '-I', 'proto', '-O', join(tmp, set.name), ...set.files, ...set.extraFiles];
      // Run from the package with a relative include path: each file's header names its .proto
      // relative to it, the same on every machine.
      const r = spawnSync(process.execPath, args, { cwd: pkg, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`proto-loader-gen-types failed for the ${set.name} set:\n${r.stderr || r.stdout || r.error?.message}`);
    }
    const fresh = listFiles(tmp);
    const old = listFiles(genDir);
    for (const [rel, text] of fresh) {
      if (old.get(rel) === text) continue;
      mkdirSync(dirname(join(genDir, rel)), { recursive: true });
      writeFileSync(join(genDir, rel), text);
    }
    for (const rel of old.keys()) if (!fresh.has(rel)) rmSync(join(genDir, rel));
    if (existsSync(genDir)) removeEmptyDirs(genDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) generate();
