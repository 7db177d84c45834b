import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPatch, mergePatch, strategicMerge, type Json } from './patch.js';
import { StatusError } from './status.js';

const pod = (): Json => ({
  spec: {
    containers: [
      { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
      { name: 'b', image: 'b:1' },
    ],
    tolerations: [{ key: 't1' }],
  },
  metadata: { finalizers: ['f1'] },
});

interface Pod {
  spec: { containers: { name: string }[]; tolerations: unknown[] };
  metadata: { finalizers: string[] };
}

test('strategic merge merges containers by name and env by name', () => {
  const out = strategicMerge(pod(), { spec: { containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }] }] } });
  assert.deepEqual(out, {
    spec: {
      containers: [
        { name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
        { name: 'b', image: 'b:1' },
      ],
      tolerations: [{ key: 't1' }],
    },
    metadata: { finalizers: ['f1'] },
  });
});

test('strategic merge replaces lists without a merge key and merges finalizers as a set', () => {
  const out = strategicMerge(pod(), { spec: { tolerations: [{ key: 't2' }] }, metadata: { finalizers: ['f1', 'f2'] } }) as unknown as Pod;
  assert.deepEqual(out.spec.tolerations, [{ key: 't2' }]);
  assert.deepEqual(out.metadata.finalizers, ['f1', 'f2']);
});

test('strategic merge honours $patch delete in a list and $patch replace', () => {
  const out = strategicMerge(pod(), { spec: { containers: [{ name: 'b', $patch: 'delete' }] } }) as unknown as Pod;
  assert.deepEqual(out.spec.containers.map((c) => c.name), ['a']);
  const replaced = strategicMerge(pod(), { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } }) as unknown as Pod;
  assert.deepEqual(replaced.spec.containers, [{ name: 'c' }]);
});

test('strategic merge refuses a keyed list item without its merge key', () => {
  assert.throws(
    () => strategicMerge(pod(), { spec: { containers: [{ image: 'x' }] } }),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'map: {"image":"x"} does not contain declared merge key: name',
  );
});

test('merge patch replaces lists and removes keys set to null', () => {
  assert.deepEqual(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } }), { a: [3], b: { d: 2 } });
});

test('json patch applies add, replace, move, copy, test and remove in order', () => {
  const out = jsonPatch({ a: { b: 1 }, l: [1, 2] }, [
    { op: 'add', path: '/l/-', value: 3 },
    { op: 'replace', path: '/a/b', value: 2 },
    { op: 'copy', from: '/a/b', path: '/c' },
    { op: 'move', from: '/c', path: '/d' },
    { op: 'test', path: '/d', value: 2 },
    { op: 'remove', path: '/l/0' },
  ]);
  assert.deepEqual(out, { a: { b: 2 }, l: [2, 3], d: 2 });
});

test('json patch fails on a failed test and on a missing path', () => {
  const isBad = (msg: string) => (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg;
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), isBad('jsonpatch: testing value /a failed'));
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), isBad('jsonpatch: remove operation does not apply: doc is missing path: /b'));
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]), isBad('jsonpatch: replace operation does not apply: doc is missing key: /b'));
});
