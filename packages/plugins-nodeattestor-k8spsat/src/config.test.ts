import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { TrustDomain, parseHcl } from '@spire-ts/core/plugin';
import { parsePsatConfig } from './config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };
const parse = (hcl: string) => parsePsatConfig(parseHcl(hcl), core);

describe('k8s_psat config', () => {
  it('reads SPIRE\'s sample and applies the defaults', () => {
    const r = parse(`clusters = {
      "MyCluster" = {
        service_account_allow_list = ["production:spire-agent"]
        kube_config_file = "path/to/kubeconfig/file"
      }
    }`);
    assert.deepEqual(r.problems, []);
    const c = r.config!.clusters.get('MyCluster')!;
    assert.deepEqual([...c.serviceAccounts], ['production:spire-agent']);
    assert.deepEqual(c.audience, ['spire-server']);
    assert.equal(c.kubeConfigFile, 'path/to/kubeconfig/file');
    assert.equal(c.usePodUidForAgentId, false);
    assert.equal(c.allowedNodeLabelKeys.size, 0);
  });

  it('reads every per-cluster option, an explicit empty audience and labelled blocks', () => {
    const r = parse(`
      clusters "a" {
        service_account_allow_list = ["spire:agent", "spire:broker"]
        audience = []
        allowed_node_label_keys = ["zone"]
        allowed_pod_label_keys = ["app", "tier"]
        use_pod_uid_for_agent_id = true
      }
      clusters "b" { service_account_allow_list = ["x:y"] }`);
    assert.deepEqual(r.problems, []);
    const a = r.config!.clusters.get('a')!;
    assert.deepEqual(a.audience, []);
    assert.equal(a.kubeConfigFile, '');
    assert.deepEqual([...a.allowedNodeLabelKeys], ['zone']);
    assert.deepEqual([...a.allowedPodLabelKeys], ['app', 'tier']);
    assert.equal(a.usePodUidForAgentId, true);
    assert.deepEqual([...r.config!.clusters.keys()], ['a', 'b']);
  });

  it('accepts no clusters (every attestation then fails, as in SPIRE)', () => {
    assert.equal(parse('').config!.clusters.size, 0);
  });

  it('collects every problem, naming the cluster and the option', () => {
    const r = parse(`clusters = {
      "a" = { audience = "spire-server" }
      "b" = { service_account_allow_list = [], use_pod_uid_for_agent_id = "maybe", nope = 1 }
    }`);
    assert.deepEqual(r.problems.sort(), [
      'cluster "a" configuration must have at least one service account allowed',
      'cluster "b" configuration must have at least one service account allowed',
      'clusters.a.audience must be a list of strings',
      'clusters.b.use_pod_uid_for_agent_id must be a boolean',
      'unknown option clusters.b.nope',
    ]);
    assert.equal(r.config, undefined);
  });

  it('refuses use_pod_uid_for_agent_id outside a cluster (SPIRE reads it per cluster)', () => {
    const r = parse(`use_pod_uid_for_agent_id = true
      clusters = { "a" = { service_account_allow_list = ["x:y"] } }`);
    assert.deepEqual(r.problems, ['unknown option use_pod_uid_for_agent_id']);
  });

  it('refuses clusters that is not a map', () => {
    assert.deepEqual(parse('clusters = "a"').problems, ['clusters must be a block']);
  });
});
