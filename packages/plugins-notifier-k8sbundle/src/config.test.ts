import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '@spire-ts/core/plugin';
import { parseK8sBundleConfig } from './config.js';

const defaults = { namespace: 'spire', configMap: 'spire-bundle', configMapKey: 'bundle.crt', webhookLabel: '', apiServiceLabel: '', kubeConfigFilePath: '' };

test('empty plugin_data: one in-cluster cluster with SPIRE defaults', () => {
  assert.deepEqual(parseK8sBundleConfig({}), { config: { clusters: [defaults] }, problems: [] });
});

test('SPIRE sample (out of cluster) reads every option', () => {
  const raw = parseHcl(`
    namespace = "infra"
    config_map = "agents"
    config_map_key = "bootstrap.crt"
    kube_config_file_path = "/path/to/kubeconfig"
    webhook_label = "spiffe.io/webhook"
    api_service_label = "spiffe.io/api_service"`);
  assert.deepEqual(parseK8sBundleConfig(raw).config?.clusters, [
    {
      namespace: 'infra',
      configMap: 'agents',
      configMapKey: 'bootstrap.crt',
      kubeConfigFilePath: '/path/to/kubeconfig',
      webhookLabel: 'spiffe.io/webhook',
      apiServiceLabel: 'spiffe.io/api_service',
    },
  ]);
});

test('only clusters: the root cluster is not used; each cluster takes the defaults', () => {
  const raw = parseHcl(`clusters = [ { kube_config_file_path = "/a" }, { namespace = "x", kube_config_file_path = "/b" } ]`);
  assert.deepEqual(parseK8sBundleConfig(raw).config?.clusters, [
    { ...defaults, kubeConfigFilePath: '/a' },
    { ...defaults, namespace: 'x', kubeConfigFilePath: '/b' },
  ]);
});

test('a root key and clusters: the root cluster comes first', () => {
  const raw = parseHcl(`config_map = "root"
  clusters = [ { kube_config_file_path = "/a" } ]`);
  assert.deepEqual(parseK8sBundleConfig(raw).config?.clusters, [{ ...defaults, configMap: 'root' }, { ...defaults, kubeConfigFilePath: '/a' }]);
});

test('a cluster without kube_config_file_path is refused with SPIRE message', () => {
  const raw = parseHcl(`clusters = [ { kube_config_file_path = "/a" }, { namespace = "x" } ]`);
  assert.deepEqual(parseK8sBundleConfig(raw).problems, ['cluster configuration is missing kube_config_file_path']);
});

test('every problem at once, each naming its option', () => {
  assert.deepEqual(parseK8sBundleConfig({ namespace: 3, webhook_label: true, bogus: 'x', clusters: [{ config_map: 1, other: 2 }] }).problems, [
    'namespace must be a string',
    'webhook_label must be a string',
    'clusters[0].config_map must be a string',
    'cluster configuration is missing kube_config_file_path',
    'unknown option clusters[0].other',
    'unknown option bogus',
  ]);
});

test('clusters that is not a list of blocks is refused', () => {
  assert.deepEqual(parseK8sBundleConfig({ clusters: 'x' }).problems, ['clusters must be a list of cluster blocks']);
});
