import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../errors.js';
import type { SigningPool } from './pool/signing-pool.js';
import { InlineSigningPool } from './pool/signing-pool.fake.js';
import { makeCA, workloadCsr } from './test-support/fixture.js';
import { SigningBacklog } from './signing-backlog.js';

/** A pool that, after `hold()`, holds every task until `open()`, so requests stay pending. */
function gatedPool(): SigningPool & { hold(): void; open(): void } {
  const inner = new InlineSigningPool();
  let waiting: Array<() => void> = [];
  let opened = true;
  return {
    threads: 1,
    run: async (task) => {
      if (!opened) await new Promise<void>((r) => waiting.push(r));
      return inner.run(task as never);
    },
    open() {
      opened = true;
      for (const w of waiting) w();
      waiting = [];
    },
    hold() {
      opened = false;
    },
    close: () => inner.close(),
  };
}

const full = (asked: number, pending: number, limit: number) => (err: unknown) => {
  assert.ok(err instanceof SpireError);
  assert.equal(err.code, Code.RESOURCE_EXHAUSTED);
  assert.equal(
    err.message,
    `the server is overloaded: ${asked} SVID(s) asked while ${pending} wait to be signed (experimental.max_pending_svids = ${limit}); retry later`,
  );
  return true;
};

describe('the bound on SVIDs waiting to be signed', () => {
  it('refuses what does not fit with RESOURCE_EXHAUSTED, signs what was admitted, and frees the room after', { timeout: 20_000 }, async () => {
    const pool = gatedPool();
    const { ca } = await makeCA(pool, { config: { maxPendingSvids: 3 } });
    pool.hold();
    const x509 = (id: string) => ca.signWorkloadX509SVID({ spiffeId: `spiffe://example.org/${id}`, csr: workloadCsr().csr });
    const first = x509('a');
    const pair = ca.signWorkloadX509SVIDs([
      { spiffeId: 'spiffe://example.org/b', csr: workloadCsr().csr },
      { spiffeId: 'spiffe://example.org/c', csr: workloadCsr().csr },
    ]);
    await new Promise((r) => setImmediate(r));
    assert.equal(ca.backlog.size, 3);
    await assert.rejects(x509('d'), full(1, 3, 3));
    await assert.rejects(ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/e', audience: ['x'] }), full(1, 3, 3));
    // An agent's own SVID is not held back by a burst of workload SVIDs.
    const agent = ca.signAgentX509SVID({ spiffeId: 'spiffe://example.org/spire/agent/x', csr: workloadCsr().csr });
    pool.open();
    assert.equal((await first).certChain.length, 1);
    assert.ok((await pair).every((r) => 'certChain' in r));
    assert.equal((await agent).certChain.length, 1);
    assert.equal(ca.backlog.size, 0);
    await x509('after');
    assert.ok(await ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/jwt', audience: ['x'] }));
  });

  it('releases the room of a request whose signing failed', async () => {
    const pool = new InlineSigningPool();
    const { ca } = await makeCA(pool, { config: { maxPendingSvids: 1 } });
    await pool.close();
    await assert.rejects(ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/a', csr: workloadCsr().csr }), /pool closed/);
    assert.equal(ca.backlog.size, 0);
  });

  it('admits a request larger than the bound into an empty backlog, so none is refused forever', () => {
    const b = new SigningBacklog(2);
    const release = b.admit(5);
    assert.throws(() => b.admit(1), full(1, 5, 2));
    release();
    release();
    assert.equal(b.size, 0);
    b.admit(2)();
  });

  it('refuses a limit below 1', () => {
    assert.throws(() => new SigningBacklog(0), RangeError);
  });
});
