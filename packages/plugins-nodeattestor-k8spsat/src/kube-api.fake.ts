import { KubeApiError, type TokenReviewStatus } from '@spire-ts/plugin-kube';
import type { KubeApi, NodeInfo, PodInfo } from './kube-api.js';

/**
 * An in-memory KubeApi for unit tests of review answers a real API server does not give (several
 * pod names, odd usernames). It answers every token with `review`, serves `pods` (key
 * `<ns>/<name>`) and `nodes`, and records the calls.
 */
export class FakeKubeApi implements KubeApi {
  review: TokenReviewStatus = { authenticated: true, username: '', extra: {}, audiences: [], error: '' };
  readonly pods = new Map<string, PodInfo>();
  readonly nodes = new Map<string, NodeInfo>();
  readonly calls: string[] = [];

  async reviewToken(token: string, audiences: string[]): Promise<TokenReviewStatus> {
    this.calls.push(`review ${token} ${audiences.join(',')}`);
    return structuredClone(this.review);
  }

  async getPod(namespace: string, name: string): Promise<PodInfo> {
    this.calls.push(`pod ${namespace}/${name}`);
    const p = this.pods.get(`${namespace}/${name}`);
    if (!p) throw new KubeApiError(`unable to query pods API: pods "${name}" not found`, false);
    return p;
  }

  async getNode(name: string): Promise<NodeInfo> {
    this.calls.push(`node ${name}`);
    const n = this.nodes.get(name);
    if (!n) throw new KubeApiError(`unable to query nodes API: nodes "${name}" not found`, false);
    return n;
  }
}
