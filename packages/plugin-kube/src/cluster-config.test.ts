import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigReader, type PluginData } from '@spire-ts/core/plugin';
import { clusterBlocks, serviceAccountAllowList } from './cluster-config.js';

function read(raw: PluginData): { allow: Record<string, string[]>; problems: string[] } {
  const r = new ConfigReader(raw);
  const allow: Record<string, string[]> = {};
  for (const [name, c] of clusterBlocks(r, raw)) allow[name] = [...serviceAccountAllowList(r, c, name)];
  return { allow, problems: r.finish() };
}

test('clusters as a map or as one labelled block list, each with its allow list', () => {
  const want = { a: ['ns:sa'], b: ['ns:x', 'ns:y'] };
  assert.deepEqual(read({ clusters: { a: { service_account_allow_list: ['ns:sa'] }, b: { service_account_allow_list: ['ns:x', 'ns:y'] } } }), { allow: want, problems: [] });
  assert.deepEqual(read({ clusters: [{ a: { service_account_allow_list: ['ns:sa'] }, b: { service_account_allow_list: ['ns:x', 'ns:y'] } }] }), { allow: want, problems: [] });
  assert.deepEqual(read({}), { allow: {}, problems: [] });
});

test('an empty allow list, a cluster that is not a block, an unknown key: every problem', () => {
  const r = read({ clusters: { a: { service_account_allow_list: [], extra: 1 }, b: 'x' } });
  assert.deepEqual(r.allow, { a: [] });
  assert.deepEqual(r.problems, ['cluster "a" configuration must have at least one service account allowed', 'clusters.b must be a block', 'unknown option clusters.a.extra']);
});
