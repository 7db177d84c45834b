import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { parseHcl } from '@spire-ts/core/plugin';
import { parseSatConfig } from './config.js';
import { core, saKey, tempFile } from './test-support.js';

const parse = (hcl: string) => parseSatConfig(parseHcl(hcl), core);

describe('k8s_sat config', () => {
  it('reads SPIRE\'s key-file sample', () => {
    const keyFile = tempFile('sa.pub', saKey('rsa').pem + saKey('ec').pem);
    const r = parse(`clusters = {
      "MyCluster" = {
        service_account_allow_list = ["production:spire-agent"]
        service_account_key_file = "${keyFile}"
      }
    }`);
    assert.deepEqual(r.problems, []);
    const c = r.config!.clusters.get('MyCluster')!;
    assert.equal(c.useTokenReviewApi, false);
    assert.deepEqual(c.serviceAccountKeys.map((k) => k.asymmetricKeyType), ['rsa', 'ec']);
  });

  it('reads keys from certificates and PKCS#1 blocks, skipping other blocks', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const keyFile = tempFile('sa.pem', `-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n${pkcs1}`);
    const r = parse(`clusters "c" {
      service_account_allow_list = ["a:b"]
      service_account_key_file = "${keyFile}"
    }`);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config!.clusters.get('c')!.serviceAccountKeys.length, 1);
  });

  it('reads TokenReview mode without a key file', () => {
    const r = parse(`clusters = { "c" = {
      service_account_allow_list = ["a:b"]
      use_token_review_api_validation = true
      kube_config_file = "/k/config"
    } }`);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config!.clusters.get('c')!.kubeConfigFile, '/k/config');
    assert.equal(r.config!.clusters.get('c')!.serviceAccountKeys.length, 0);
  });

  it('needs at least one cluster', () => {
    assert.deepEqual(parse('').problems, ['configuration must have at least one cluster']);
  });

  it('collects every per-cluster problem with SPIRE\'s wording', () => {
    const empty = tempFile('empty.pem', 'no keys here\n');
    const r = parse(`clusters = {
      "a" = { service_account_allow_list = [] }
      "b" = { service_account_allow_list = ["x:y"], service_account_key_file = "${empty}" }
      "c" = { service_account_allow_list = ["x:y"], service_account_key_file = "/nonexistent/sa.pub" }
    }`);
    assert.deepEqual(r.problems, [
      'cluster "a" configuration missing service account key file',
      'failed to load cluster "a" service account keys from "": ENOENT: no such file or directory, open \'\'',
      'cluster "a" has no service account keys in ""',
      'cluster "a" configuration must have at least one service account allowed',
      `cluster "b" has no service account keys in "${empty}"`,
      'failed to load cluster "c" service account keys from "/nonexistent/sa.pub": ENOENT: no such file or directory, open \'/nonexistent/sa.pub\'',
      'cluster "c" has no service account keys in "/nonexistent/sa.pub"',
    ]);
  });

  it('refuses a key that is neither RSA nor ECDSA', () => {
    const keyFile = tempFile('ed.pem', saKey('ed25519').pem);
    const r = parse(`clusters "c" {
      service_account_allow_list = ["a:b"]
      service_account_key_file = "${keyFile}"
    }`);
    assert.deepEqual(r.problems, [
      `failed to load cluster "c" service account keys from "${keyFile}": unsupported ed25519 key in PUBLIC KEY block`,
      `cluster "c" has no service account keys in "${keyFile}"`,
    ]);
  });
});
