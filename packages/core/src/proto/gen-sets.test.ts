import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Options } from '@grpc/proto-loader';
import { API_LOADER_OPTIONS, API_PROTO_FILES } from '../api/proto.js';
import { JOURNAL_LOADER_OPTIONS } from '../ca/manager/journal-codec.js';
import { PLUGIN_LOADER_OPTIONS, PLUGIN_PROTO_FILES } from '../catalog/external/protos.js';

interface GenSet {
  name: string;
  files: string[];
  options: Record<string, string | boolean>;
}

// The generator is a plain script beside src/ (it runs before tsc); this module's place in src/
// and in dist/ is the same distance from it.
const { SETS } = (await import(new URL('../../scripts/gen-proto-types.mjs', import.meta.url).href)) as { SETS: GenSet[] };

/** Run-time options in the generator's notation (constructors by name). */
function notation(o: Options): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'function' ? v.name : v]));
}

const set = (name: string): GenSet => SETS.find((s) => s.name === name)!;

test('the API types are generated from the files and with the options the API loads them with', () => {
  assert.deepEqual(set('api').files, [...API_PROTO_FILES]);
  assert.deepEqual(set('api').options, notation(API_LOADER_OPTIONS));
});

test('the plugin types are generated from the files and with the options the catalog loads them with', () => {
  assert.deepEqual(set('plugin').files, [...PLUGIN_PROTO_FILES]);
  assert.deepEqual(set('plugin').options, notation(PLUGIN_LOADER_OPTIONS));
});

test('the journal types are generated with the options the journal codec converts with', () => {
  assert.deepEqual(set('journal').options, notation(JOURNAL_LOADER_OPTIONS));
});
