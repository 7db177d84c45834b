import { tmpdir } from 'node:os';
import { TrustDomain, silentLogger, type NodeAttestor } from '@spire-ts/core/plugin';
import type { NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { k8sPsatNodeAttestor } from './index.js';

// Test support for k8s_psat's tests against the Kubernetes API emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');

/** One agent pod on one node, as a DaemonSet pod would be. */
export interface AgentPod {
  name: string;
  uid: string;
  nodeName: string;
  nodeUid: string;
}

/** Puts a node and an agent pod (namespace `spire`) into the emulator. */
export function putAgentPod(
  k: KubeEmulator,
  o: { name?: string; nodeName?: string; namespace?: string; podLabels?: Record<string, string>; nodeLabels?: Record<string, string>; hostIP?: string } = {},
): AgentPod {
  const nodeName = o.nodeName ?? 'node-1';
  const node = k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: o.nodeLabels ?? {} } });
  const pod = k.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name ?? 'spire-agent-x1', namespace: o.namespace ?? 'spire', labels: o.podLabels ?? {} },
    spec: { nodeName, serviceAccountName: 'spire-agent' },
    status: { hostIP: o.hostIP ?? '10.0.0.7' },
  });
  return { name: String(pod.metadata?.name), uid: String(pod.metadata?.uid), nodeName, nodeUid: String(node.metadata?.uid) };
}

/** A projected token of `pod` for service account spire:spire-agent (or as given). */
export function tokenFor(k: KubeEmulator, pod: AgentPod, o: { audiences?: string[]; serviceAccount?: string; namespace?: string; expiresInSec?: number; issuedAtSec?: number } = {}): string {
  return k.mintProjectedToken({
    namespace: o.namespace ?? 'spire',
    serviceAccount: o.serviceAccount ?? 'spire-agent',
    podName: pod.name,
    podUid: pod.uid,
    audiences: o.audiences ?? ['spire-server'],
    ...(o.expiresInSec !== undefined ? { expiresInSec: o.expiresInSec } : {}),
    ...(o.issuedAtSec !== undefined ? { issuedAtSec: o.issuedAtSec } : {}),
  });
}

/** The agent's payload. */
export const payloadOf = (cluster: string, token: string) => Buffer.from(JSON.stringify({ cluster, token }));

/** k8s_psat built through its descriptor, as the catalog does, for cluster `c1` of the emulator. */
export async function makeAttestor(k: KubeEmulator, cluster: Record<string, unknown> = {}, kubeconfig = k.kubeconfigPath): Promise<NodeAttestor> {
  const data = { clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], kube_config_file: kubeconfig, ...cluster } } };
  const core = { trustDomain: td, dataDir: tmpdir() };
  const r = k8sPsatNodeAttestor.parseConfig(data, core);
  if (!r.config) throw new Error(r.problems.join('; '));
  return k8sPsatNodeAttestor.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: {} });
}

/**
 * The NodeAttestor contract's harness for k8s_psat `attestor` on cluster `c1` of `k`: each valid
 * payload is the token of a new agent pod `<prefix>-agent-<n>` on node `<prefix>-node-<n>`.
 * `podUidMismatch` adds a token bound to another pod UID to the invalid payloads.
 */
export function contractHarness(k: KubeEmulator, attestor: NodeAttestor, prefix: string, o: { podUidMismatch?: boolean } = {}): NodeAttestorHarness {
  let n = 0;
  const agent = () => putAgentPod(k, { name: `${prefix}-agent-${++n}`, nodeName: `${prefix}-node-${n}` });
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: payloadOf('c1', tokenFor(k, agent())), respond: async () => new Uint8Array() }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'unknown cluster', payload: payloadOf('nope', tokenFor(k, agent())) },
      { name: 'service account not allowed', payload: payloadOf('c1', tokenFor(k, agent(), { serviceAccount: 'web' })) },
      ...(o.podUidMismatch ? [{ name: 'pod UID mismatch', payload: payloadOf('c1', tokenFor(k, { ...agent(), uid: 'not-the-pod' })) }] : []),
    ],
    close: async () => {},
  };
}

const noChallenge = async (): Promise<Uint8Array> => {
  throw new Error('k8s_psat never challenges');
};

/** Attests `payload` (k8s_psat issues no challenge). */
export const attest = (a: NodeAttestor, payload: Uint8Array) => a.attest(payload, noChallenge);

/**
 * The requests that could change the cluster: anything but a GET and the TokenReview POST (which
 * creates nothing). An attestation, failed or not, must make none.
 */
export function writes(k: KubeEmulator): string[] {
  return k.requests
    .filter((r) => !(r.method === 'GET' || (r.method === 'POST' && r.path === '/apis/authentication.k8s.io/v1/tokenreviews')))
    .map((r) => `${r.method} ${r.path}`);
}
