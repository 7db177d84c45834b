import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeErrorMessage, kubeStatusCode, loadKubeConfig } from './index.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
users:
- name: u
  user:
    token: t
contexts:
- name: ctx
  context: { cluster: c, user: u }
current-context: ctx
`;

test('a kubeconfig file: its current cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-kube-'));
  try {
    writeFileSync(join(dir, 'kc'), KUBECONFIG);
    assert.equal(loadKubeConfig(join(dir, 'kc')).getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    writeFileSync(join(dir, 'empty'), 'apiVersion: v1\nkind: Config\n');
    assert.throws(() => loadKubeConfig(join(dir, 'empty')), { message: `kubeconfig ${join(dir, 'empty')} has no current cluster` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in-cluster without the service environment: client-go message', () => {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  delete process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_PORT;
  try {
    assert.throws(() => loadKubeConfig(''), { message: 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined' });
  } finally {
    if (saved.host !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.port !== undefined) process.env.KUBERNETES_SERVICE_PORT = saved.port;
  }
});

test('API error messages: the Status message, else the reason, else the error text', () => {
  const apiErr = (code: number, body: unknown) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });
  assert.equal(kubeErrorMessage(apiErr(404, { kind: 'Status', message: 'configmaps "x" not found' })), 'configmaps "x" not found');
  assert.equal(kubeErrorMessage(apiErr(409, JSON.stringify({ message: 'conflict' }))), 'conflict');
  assert.equal(kubeErrorMessage(apiErr(401, undefined)), 'Unauthorized');
  assert.equal(kubeErrorMessage(apiErr(502, 'bad gateway')), 'the server responded with HTTP 502');
  assert.equal(kubeErrorMessage(new Error('connect ECONNREFUSED 127.0.0.1:1')), 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(kubeStatusCode(apiErr(409, {})), 409);
  assert.equal(kubeStatusCode(Object.assign(new Error('x'), { code: 'ECONNRESET' })), undefined);
});
