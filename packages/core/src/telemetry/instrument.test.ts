import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../errors.js';
import { countCall, instrumentCalls } from './instrument.js';
import { NOOP_METRICS } from './metrics.js';
import { prometheusTestMetrics } from './prometheus-test-metrics.js';

const setup = () => prometheusTestMetrics();

class Store {
  calls = 0;
  async fetch(id: string): Promise<string> {
    this.calls++;
    if (id === 'missing') throw new SpireError(Code.NOT_FOUND, 'no such record');
    if (id === 'broken') throw new Error('driver failure');
    return `record ${id}`;
  }
  async *scan(fail: boolean): AsyncGenerator<number> {
    yield 1;
    if (fail) throw new SpireError(Code.UNAVAILABLE, 'database went away');
    yield 2;
  }
  ping(): string {
    return 'pong';
  }
}

test('each listed method is counted under its key, labelled with the outcome; results and errors pass through', async () => {
  const { sink, metrics } = setup();
  const store = instrumentCalls(new Store(), { fetch: ['datastore', 'x', 'fetch'] }, metrics);
  assert.equal(await store.fetch('a'), 'record a');
  assert.equal(await store.fetch('b'), 'record b');
  await assert.rejects(store.fetch('missing'), (e: unknown) => e instanceof SpireError && e.code === Code.NOT_FOUND);
  await assert.rejects(store.fetch('broken'), /driver failure/);
  assert.equal(store.ping(), 'pong', 'unlisted methods are passed through');
  assert.equal(store.calls, 4, 'the method ran on the target, whose state it changed');
  const text = await sink.text();
  assert.match(text, /^spire_server_datastore_x_fetch\{status="OK"\} 2$/m);
  assert.match(text, /^spire_server_datastore_x_fetch\{status="NotFound"\} 1$/m);
  assert.match(text, /^spire_server_datastore_x_fetch\{status="Unknown"\} 1$/m, 'an error without a code is Unknown, as upstream');
  assert.match(text, /^spire_server_datastore_x_fetch_elapsed_time_count\{status="OK"\} 2$/m);
  assert.doesNotMatch(text, /ping/);
});

test('an async iteration is one call, counted when it ends, failed or not', async () => {
  const { sink, metrics } = setup();
  const store = instrumentCalls(new Store(), { scan: ['datastore', 'x', 'list'] }, metrics);
  const seen: number[] = [];
  for await (const v of store.scan(false)) seen.push(v);
  assert.deepEqual(seen, [1, 2]);
  assert.doesNotMatch(await sink.text(), /status="Unavailable"/);
  await assert.rejects(async () => {
    for await (const v of store.scan(true)) seen.push(v);
  }, /database went away/);
  for await (const _ of store.scan(false)) break;
  const text = await sink.text();
  assert.match(text, /^spire_server_datastore_x_list\{status="OK"\} 2$/m, 'a finished and a broken-off iteration');
  assert.match(text, /^spire_server_datastore_x_list\{status="Unavailable"\} 1$/m);
});

test('with telemetry off the target itself is returned', () => {
  const s = new Store();
  assert.equal(instrumentCalls(s, { fetch: ['datastore', 'x', 'fetch'] }, NOOP_METRICS), s);
});

test('countCall counts one call with the labels of its counter', async () => {
  const { sink, metrics } = setup();
  const calls = metrics.callCounter(['bundle_manager', 'fetch', 'federated_bundle'], { trust_domain_id: 'example.org' });
  assert.equal(await countCall(calls, async () => 7), 7);
  await assert.rejects(countCall(calls, async () => Promise.reject(new SpireError(Code.UNAVAILABLE, 'down'))), /down/);
  const text = await sink.text();
  assert.match(text, /^spire_server_bundle_manager_fetch_federated_bundle\{status="OK",trust_domain_id="example_org"\} 1$/m);
  assert.match(text, /^spire_server_bundle_manager_fetch_federated_bundle\{status="Unavailable",trust_domain_id="example_org"\} 1$/m);
});

test('a target that swaps what it forwards to (a reconfigured plugin) is followed', async () => {
  const { metrics } = setup();
  let current = { name: async () => 'old' };
  const forwarding = new Proxy({} as { name(): Promise<string> }, { get: (_t, p) => Reflect.get(current, p) });
  const counted = instrumentCalls(forwarding, { name: ['x', 'name'] }, metrics);
  assert.equal(await counted.name(), 'old');
  current = { name: async () => 'new' };
  assert.equal(await counted.name(), 'new');
});
