import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl, TrustDomain } from '@spire-ts/core/plugin';
import { parseCertManagerConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

test('SPIRE sample: every option read, trust domain kept for the request label', () => {
  const raw = parseHcl(`
    issuer_name = "spire-ca"
    issuer_kind = "ClusterIssuer"
    issuer_group = "example.io"
    namespace = "sandbox"
    kube_config_file = "/etc/kubeconfig"`);
  assert.deepEqual(parseCertManagerConfig(raw, core), {
    config: { issuerName: 'spire-ca', issuerKind: 'ClusterIssuer', issuerGroup: 'example.io', namespace: 'sandbox', kubeConfigFile: '/etc/kubeconfig', trustDomain: 'example.org' },
    problems: [],
  });
});

test('issuer_kind and issuer_group default to Issuer and cert-manager.io (also when empty)', () => {
  const c = parseCertManagerConfig({ issuer_name: 'ca', namespace: 'ns', issuer_kind: '' }, core).config;
  assert.equal(c?.issuerKind, 'Issuer');
  assert.equal(c?.issuerGroup, 'cert-manager.io');
  assert.equal(c?.kubeConfigFile, '');
});

test('namespace and issuer_name are required, with SPIRE messages, both reported', () => {
  assert.deepEqual(parseCertManagerConfig({}, core).problems, [
    'plugin configuration has empty namespace property',
    'plugin configuration has empty issuer_name property',
  ]);
  assert.deepEqual(parseCertManagerConfig({ namespace: '', issuer_name: 'x' }, core).problems, ['plugin configuration has empty namespace property']);
});

test('wrong types and unknown options are named', () => {
  assert.deepEqual(parseCertManagerConfig({ namespace: 'ns', issuer_name: 'x', kube_config_file: 1, extra: true }, core).problems, [
    'kube_config_file must be a string',
    'unknown option extra',
  ]);
});
