import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code, SpireError } from '../../errors.js';
import { makeCA, workloadCsr } from '../test-support/fixture.js';
import { coalescingPool } from './coalescing-pool.js';
import { InlineSigningPool } from './signing-pool.fake.js';
import type { SigningPool } from './signing-pool.js';
import type { SigningTask } from './signing-tasks.js';

const key = (fingerprint: string) => ({ keyId: 'k', keyType: 'ec-p256' as const, fingerprint, pkcs8: new Uint8Array() });

/** Answers each raw item with itself, reversed; records tasks; fails tasks holding "boom". */
function echoPool(): SigningPool & { tasks: SigningTask[] } {
  const tasks: SigningTask[] = [];
  return {
    threads: 2,
    tasks,
    run: async (task) => {
      tasks.push(task);
      const items = task.items as Uint8Array[];
      if (items.some((i) => new TextDecoder().decode(i) === 'boom')) throw new Error('worker died');
      return items.map((i) => Uint8Array.from(i).reverse()) as never;
    },
    close: async () => undefined,
  };
}
const raw = (fp: string, ...items: string[]) => ({ kind: 'raw' as const, key: key(fp), items: items.map((s) => new TextEncoder().encode(s)) });
const text = (xs: Uint8Array[]) => xs.map((x) => new TextDecoder().decode(x));

describe('coalescing concurrent signing tasks', () => {
  it('sends the tasks of one turn as one, and gives each caller its own results in order', async () => {
    const inner = echoPool();
    const pool = coalescingPool(inner);
    const [a, b, c] = await Promise.all([pool.run(raw('k1', 'ab', 'cd')), pool.run(raw('k1', 'ef')), pool.run(raw('k1', 'gh', 'ij', 'kl'))]);
    assert.deepEqual(text(a), ['ba', 'dc']);
    assert.deepEqual(text(b), ['fe']);
    assert.deepEqual(text(c), ['hg', 'ji', 'lk']);
    assert.equal(inner.tasks.length, 1);
    assert.equal(inner.tasks[0]!.items.length, 6);
  });

  it('never merges tasks for different keys, nor past the batch size', async () => {
    const inner = echoPool();
    const pool = coalescingPool(inner, 3);
    const out = await Promise.all([pool.run(raw('k1', 'a', 'b')), pool.run(raw('k2', 'c')), pool.run(raw('k1', 'd', 'e')), pool.run(raw('k1', 'f'))]);
    assert.deepEqual(out.map(text), [['a', 'b'], ['c'], ['d', 'e'], ['f']]);
    assert.deepEqual(
      inner.tasks.map((t) => [t.key.fingerprint, text(t.items as Uint8Array[])]),
      [
        ['k1', ['a', 'b']],
        ['k1', ['d', 'e', 'f']],
        ['k2', ['c']],
      ],
    );
  });

  it('spreads a large merged task over the workers, in order', async () => {
    const inner = echoPool();
    const pool = coalescingPool(inner, 64, 16);
    const letters = Array.from({ length: 40 }, (_, i) => `x${i}`);
    const [a, b] = await Promise.all([pool.run(raw('k1', ...letters.slice(0, 30))), pool.run(raw('k1', ...letters.slice(30)))]);
    assert.deepEqual([...text(a), ...text(b)], letters.map((l) => [...l].reverse().join('')));
    assert.deepEqual(inner.tasks.map((t) => t.items.length), [20, 20]);
    inner.tasks.length = 0;
    await pool.run(raw('k1', ...letters.slice(0, 31)));
    assert.deepEqual(inner.tasks.map((t) => t.items.length), [31], 'under twice the minimum: one task');
  });

  it('gives a failed merged task to every caller in it, and goes on working', async () => {
    const pool = coalescingPool(echoPool());
    const results = await Promise.allSettled([pool.run(raw('k1', 'x')), pool.run(raw('k1', 'boom'))]);
    assert.deepEqual(
      results.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['worker died', 'worker died'],
    );
    assert.deepEqual(text(await pool.run(raw('k1', 'ok'))), ['ko']);
  });

  it('through the CA: concurrent single SVIDs share one worker task, and a bad CSR fails alone', async () => {
    const inline = new InlineSigningPool();
    const { ca } = await makeCA(coalescingPool(inline));
    inline.tasks.length = 0; // the CA certificate's own signing
    const ids = ['a', 'b', 'c', 'd'].map((s) => `spiffe://example.org/${s}`);
    const out = await Promise.allSettled(ids.map((spiffeId, i) => ca.signWorkloadX509SVID({ spiffeId, csr: workloadCsr('ec', i === 2).csr })));
    assert.equal(inline.tasks.length, 1);
    assert.equal(inline.tasks[0]!.items.length, 4);
    out.forEach((r, i) => {
      if (i === 2) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof SpireError && r.reason.code === Code.INVALID_ARGUMENT, String(r.reason));
        assert.match(r.reason.message, /^invalid CSR: /);
      } else {
        assert.equal(r.status, 'fulfilled');
        const leaf = new X509Certificate(r.value.certChain[0]!);
        assert.equal(leaf.subjectAltName, `URI:${ids[i]}`);
        assert.equal(r.value.notAfter, Date.parse(leaf.validTo));
      }
    });
  });
});
