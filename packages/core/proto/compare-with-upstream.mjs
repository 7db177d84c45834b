#!/usr/bin/env node
// Compares these .proto files with another copy (e.g. spiffe/spire-plugin-sdk's proto/ or
// go-plugin's internal/plugin/), definition by definition: every message's fields (number,
// name, type, label, oneof), every enum's values, every service's methods and stream flags.
// Comments and options are ignored. Exit status 1 when anything differs.
//
//   node compare-with-upstream.mjs <other-root> <file.proto>...   (paths relative to both roots)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const loader = path.dirname(require.resolve('@grpc/proto-loader'));
const protobuf = require(path.dirname(require.resolve('protobufjs/package.json', { paths: [loader] })));

function load(root, files) {
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    if (target.startsWith('google/protobuf/')) return null; // protobufjs has these built in
    const p = path.join(root, target);
    return fs.existsSync(p) ? p : target;
  };
  r.loadSync(files.map((f) => path.join(root, f)), { keepCase: true });
  return r.resolveAll();
}

function describe(ns, out, prefix = '') {
  for (const n of ns.nestedArray || []) {
    const name = prefix ? `${prefix}.${n.name}` : n.name;
    if (n instanceof protobuf.Type) {
      out[name] = Object.values(n.fields)
        .map((f) => `${f.id}:${f.name}:${f.type}:${f.rule || ''}:${f.partOf ? f.partOf.name : ''}`)
        .sort()
        .join(', ');
    } else if (n instanceof protobuf.Service) {
      out[name] = Object.values(n.methods)
        .map((m) => `${m.name}(${m.requestStream ? 'stream ' : ''}${m.requestType}) -> ${m.responseStream ? 'stream ' : ''}${m.responseType}`)
        .sort()
        .join(', ');
    } else if (n instanceof protobuf.Enum) {
      out[name] = JSON.stringify(n.values);
    }
    if (n.nestedArray) describe(n, out, name);
  }
}

const [other, ...files] = process.argv.slice(2);
if (!other || files.length === 0) {
  console.error('usage: compare-with-upstream.mjs <other-root> <file.proto>...');
  process.exit(2);
}
const ours = {};
const theirs = {};
describe(load(here, files), ours);
describe(load(other, files), theirs);
let diffs = 0;
for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
  if (k.startsWith('google.')) continue;
  if (ours[k] !== theirs[k]) {
    diffs++;
    console.log(`DIFF ${k}\n  ours:   ${ours[k] ?? '(missing)'}\n  theirs: ${theirs[k] ?? '(missing)'}`);
  }
}
console.log(`compared ${Object.keys(ours).length} definitions; ${diffs} differences`);
process.exit(diffs === 0 ? 0 : 1);
