import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '@spire-ts/core/plugin';
import { parseK8sConfigMapConfig } from './config.js';

test('SPIRE sample: two clusters, in order, every option read', () => {
  const raw = parseHcl(`
    clusters = {
      "example-cluster-1" = {
        configmap_name = "example.org"
        configmap_key = "bundle"
        namespace = "spire"
        kubeconfig_path = "/file/path/cluster-1"
        format = "spiffe"
        refresh_hint = "10m"
      },
      "example-cluster-2" = {
        configmap_name = "example.org"
        configmap_key = "bundle"
        namespace = "spire"
        kubeconfig_path = "/file/path/cluster-2"
        format = "PEM"
      }
    }`);
  assert.deepEqual(parseK8sConfigMapConfig(raw), {
    config: {
      clusters: [
        { id: 'example-cluster-1', format: 'spiffe', namespace: 'spire', configMapName: 'example.org', configMapKey: 'bundle', kubeConfigPath: '/file/path/cluster-1', refreshHintSeconds: 600 },
        { id: 'example-cluster-2', format: 'pem', namespace: 'spire', configMapName: 'example.org', configMapKey: 'bundle', kubeConfigPath: '/file/path/cluster-2', refreshHintSeconds: 0 },
      ],
      notes: [],
    },
    problems: [],
  });
});

test('the block form `clusters "id" { }` reads the same way', () => {
  const raw = parseHcl(`clusters "c1" {
    configmap_name = "b"
    configmap_key = "k"
    namespace = "ns"
    format = "jwks"
  }`);
  assert.deepEqual(parseK8sConfigMapConfig(raw).config?.clusters.map((c) => [c.id, c.format]), [['c1', 'jwks']]);
});

test('no clusters: valid, with SPIRE note that nothing is published', () => {
  assert.deepEqual(parseK8sConfigMapConfig({}), { config: { clusters: [], notes: ['No clusters configured, bundle will not be published'] }, problems: [] });
});

test('every missing field of every cluster is named with its cluster', () => {
  assert.deepEqual(parseK8sConfigMapConfig({ clusters: { a: {}, b: { format: 'yaml', namespace: 'n', configmap_name: 'c', configmap_key: 'k' } } }).problems, [
    'missing bundle format in cluster "a"',
    'missing namespace in cluster "a"',
    'missing configmap name in cluster "a"',
    'missing configmap key in cluster "a"',
    'could not parse bundle format from cluster "b": unknown bundle format: "yaml"',
  ]);
});

test('a refresh_hint that is not a duration is refused', () => {
  const p = parseK8sConfigMapConfig({ clusters: { a: { format: 'spiffe', namespace: 'n', configmap_name: 'c', configmap_key: 'k', refresh_hint: 'soon' } } }).problems;
  assert.equal(p.length, 1);
  assert.match(p[0]!, /^could not parse refresh_hint from cluster "a": could not parse refresh hint "soon": /);
});

test('refresh hints outside 1m..24h give SPIRE notes', () => {
  const cl = (h: string) => ({ clusters: { a: { format: 'spiffe', namespace: 'n', configmap_name: 'c', configmap_key: 'k', refresh_hint: h } } });
  assert.deepEqual(parseK8sConfigMapConfig(cl('30s')).config?.notes, ['Bundle endpoint refresh hint set too low. SPIRE will not refresh more often than 1 minute']);
  assert.match(parseK8sConfigMapConfig(cl('48h')).config!.notes[0]!, /^Bundle endpoint refresh hint set to a high value/);
});

test('unknown options inside a cluster are named', () => {
  assert.deepEqual(parseK8sConfigMapConfig({ clusters: { a: { format: 'pem', namespace: 'n', configmap_name: 'c', configmap_key: 'k', kube_config: '/x' } } }).problems, [
    'unknown option clusters.a.kube_config',
  ]);
});
