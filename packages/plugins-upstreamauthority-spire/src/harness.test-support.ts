import { silentLogger, type Logger } from '@spire-ts/core/plugin';
import { FakeUpstream } from './fake-upstream.test-support.js';
import { FakeWorkloadApi } from './fake-workload-api.test-support.js';
import { makeRoot, makeSvid, type TestCert } from './pki.test-support.js';
import { DEFAULT_TIMINGS, SpireUpstreamAuthority, type SpireUpstreamTimings } from './spire-upstream-authority.js';

/** The downstream server's ID in these tests, registered upstream as downstream. */
export const DOWNSTREAM_ID = 'spiffe://example.org/downstream';

/** Short clocks so polling shows within a test. */
export const FAST: SpireUpstreamTimings = { ...DEFAULT_TIMINGS, upstreamPollMs: 200, internalPollMs: 50, callTimeoutMs: 5000, firstSvidTimeoutMs: 2000, workloadRetryMs: 50 };

/** A nested setup: the trust domain root, an upstream server, a Workload API serving `callerId`'s SVID. */
export interface Nested {
  root: TestCert;
  upstream: FakeUpstream;
  workload: FakeWorkloadApi;
  /** plugin_data pointing at both. */
  data: Record<string, unknown>;
  /** A plugin instance on them (closed by close()). */
  ua(timings?: SpireUpstreamTimings, log?: Logger): SpireUpstreamAuthority;
  close(): Promise<void>;
}

/**
 * Starts the upstream (presenting an SVID for `serverId`, default spiffe://example.org/spire/server,
 * with DOWNSTREAM_ID registered as downstream) and the Workload API serving `callerId`'s SVID.
 */
export async function startNested(o: { serverId?: string; callerId?: string } = {}): Promise<Nested> {
  const root = await makeRoot();
  const upstream = await FakeUpstream.start(root, await makeSvid(root, o.serverId ?? 'spiffe://example.org/spire/server'));
  upstream.downstreamIds.add(DOWNSTREAM_ID);
  const callerId = o.callerId ?? DOWNSTREAM_ID;
  const workload = await FakeWorkloadApi.start({ id: callerId, svid: await makeSvid(root, callerId), bundle: [root.der] });
  const data = { server_address: '127.0.0.1', server_port: String(upstream.port), workload_api_socket: workload.socketPath };
  const made: SpireUpstreamAuthority[] = [];
  return {
    root,
    upstream,
    workload,
    data,
    ua(timings = FAST, log = silentLogger()) {
      const ua = new SpireUpstreamAuthority({ serverAddress: '127.0.0.1', serverPort: String(upstream.port), workloadApiSocket: workload.socketPath }, 'spiffe://example.org', log, timings);
      made.push(ua);
      return ua;
    },
    async close() {
      for (const ua of made) await ua.close();
      await upstream.close();
      await workload.close();
    },
  };
}

/** The first message of a stream (the stream is then ended). */
export async function first<T>(it: AsyncIterable<T>): Promise<T> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}

/** Polls `cond` every 20 ms until it holds or `ms` pass; throws `what` on timeout. */
export async function eventually(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
