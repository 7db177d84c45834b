import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, SpireError } from '../../errors.js';
import { recordingLogger } from '../../log/recording-logger.js';
import type { X509Certificate } from '../../plugins/types.js';
import type { LocalBundleUpdate, UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import type { BundlePart } from './bundle-updates.js';
import { LocalBundleSubscription } from './local-bundle-subscription.js';

const root = (n: number) => Uint8Array.of(0x30, n);
const key = (kid: string) => ({ publicKey: Uint8Array.of(1, 2), keyId: kid, expiresAt: 2_000_000_000, tainted: false });

/** An authority whose bundle stream runs `streams[i]` on the i-th subscription. */
function authority(streams: ((signal?: AbortSignal) => AsyncIterable<LocalBundleUpdate>)[]): UpstreamAuthority & { subscriptions: number } {
  const ua = {
    subscriptions: 0,
    mintX509CAAndSubscribe: () => { throw new Error('not used'); },
    publishJWTKeyAndSubscribe: () => { throw new Error('not used'); },
    subscribeToLocalBundle: (signal?: AbortSignal) => streams[ua.subscriptions++]!(signal),
    close: async () => {},
  };
  return ua as unknown as UpstreamAuthority & { subscriptions: number };
}

async function* untilAborted(updates: LocalBundleUpdate[], signal?: AbortSignal): AsyncIterable<LocalBundleUpdate> {
  for (const u of updates) yield u;
  await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
}

async function eventually(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function subscription(ua: UpstreamAuthority) {
  const parts: BundlePart[] = [];
  const synced: (readonly X509Certificate[])[] = [];
  const { log, records } = recordingLogger();
  const sub = new LocalBundleSubscription({ upstreamAuthority: ua, log, delayMs: 20, syncRoots: async (r) => void synced.push(r), appendBundle: async (p) => void parts.push(p) });
  return { sub, parts, synced, records };
}

describe('LocalBundleSubscription (SPIRE\'s SubscribeToLocalBundle task)', () => {
  it('syncs every streamed root list and appends every JWT key, after the delay, until closed', async () => {
    const ua = authority([(s) => untilAborted([{ upstreamX509Roots: [{ asn1: root(1), tainted: false }], upstreamJwtKeys: [] }, { upstreamX509Roots: [{ asn1: root(1), tainted: false }, { asn1: root(2), tainted: false }], upstreamJwtKeys: [key('k1')] }], s)]);
    const { sub, parts, synced } = subscription(ua);
    sub.start();
    sub.start();
    assert.equal(synced.length, 0, 'nothing before the delay');
    await eventually(() => synced.length === 2 && parts.length === 1, 'two syncs, one append');
    assert.deepEqual(synced, [[{ asn1: root(1), tainted: false }], [{ asn1: root(1), tainted: false }, { asn1: root(2), tainted: false }]]);
    // Only the message with a JWT key appends one.
    assert.deepEqual(parts, [{ jwtSigningKeys: [{ pkixBytes: Uint8Array.of(1, 2), kid: 'k1', notAfter: 2_000_000_000, taintedKey: false }] }]);
    await sub.close();
    await sub.close();
    assert.equal(ua.subscriptions, 1);
  });

  it('ends quietly when the authority has no bundle stream (UNIMPLEMENTED, or no method)', async () => {
    // eslint-disable-next-line require-yield
    const unimplemented = authority([async function* () { throw new SpireError(Code.UNIMPLEMENTED, 'nope'); }]);
    const a = subscription(unimplemented);
    a.sub.start();
    await eventually(() => unimplemented.subscriptions === 1, 'subscribed');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(unimplemented.subscriptions, 1, 'not retried');
    assert.equal(a.records.length, 0);
    await a.sub.close();

    const none = { ...authority([]), subscribeToLocalBundle: undefined } as UpstreamAuthority;
    const b = subscription(none);
    b.sub.start();
    await new Promise((r) => setTimeout(r, 60));
    await b.sub.close();
    assert.deepEqual([b.parts, b.synced, b.records], [[], [], []]);
  });

  it('logs a failed stream and subscribes again after the delay', async () => {
    // eslint-disable-next-line require-yield
    const failing = async function* () { throw new SpireError(Code.INTERNAL, 'upstream is down'); };
    const ua = authority([failing, (s) => untilAborted([{ upstreamX509Roots: [{ asn1: root(3), tainted: false }], upstreamJwtKeys: [] }], s)]);
    const { sub, synced, records } = subscription(ua);
    sub.start();
    await eventually(() => synced.length === 1, 'the second subscription syncs');
    assert.equal(ua.subscriptions, 2);
    assert.equal(records[0]!.msg, 'The upstream authority plugin stopped streaming authorities updates prematurely. Will retry later.');
    assert.equal(records[0]!.error, 'upstream is down');
    await sub.close();
  });

  it('a failed store loses that update only: it is logged and the stream goes on', async () => {
    const ua = authority([(s) => untilAborted([
      { upstreamX509Roots: [{ asn1: root(4), tainted: false }], upstreamJwtKeys: [key('k4')] },
      { upstreamX509Roots: [{ asn1: root(5), tainted: false }], upstreamJwtKeys: [] },
    ], s)]);
    const synced: (readonly X509Certificate[])[] = [];
    const { log, records } = recordingLogger();
    let calls = 0;
    const sub = new LocalBundleSubscription({
      upstreamAuthority: ua,
      log,
      delayMs: 20,
      syncRoots: async (r) => {
        if (calls++ === 0) throw new Error('database is locked');
        synced.push(r);
      },
      appendBundle: async () => assert.fail('the failed update\'s JWT keys are not stored either'),
    });
    sub.start();
    await eventually(() => synced.length === 1, 'the second update is synced');
    assert.deepEqual(synced, [[{ asn1: root(5), tainted: false }]]);
    assert.equal(ua.subscriptions, 1, 'the same stream');
    assert.deepEqual(records.map((r) => [r.msg, r.error]), [['Failed to store X.509 CAs received by the upstream authority plugin.', 'database is locked']]);
    await sub.close();
  });

  it('closing while it waits ends it without subscribing', async () => {
    const ua = authority([(s) => untilAborted([], s)]);
    const { sub } = subscription(ua);
    sub.start();
    await sub.close();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(ua.subscriptions, 0);
  });
});
