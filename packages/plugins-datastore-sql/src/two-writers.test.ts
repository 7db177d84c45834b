import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { postgresDb, mysqlDb, type TestDb } from './testing/targets.js';

const WRITER = fileURLToPath(new URL('./testing/writer-process.js', import.meta.url));

function runWriter(job: object): Promise<{ created: number; consumed: number; errors: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WRITER, JSON.stringify(job)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`writer failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { created: number; consumed: number; errors: string[] });
    });
  });
}

async function twoWriters(db: TestDb): Promise<void> {
  const ds = await db.open();
  const UPDATES = 25;
  try {
    const entry = await ds.createRegistrationEntry({
      entryId: 'shared-entry',
      spiffeId: 'spiffe://example.org/shared',
      parentId: 'spiffe://example.org/agent',
      selectors: [{ type: 'shared', value: '1' }],
      x509SvidTtl: 0,
      jwtSvidTtl: 0,
      federatesWith: [],
      dnsNames: [],
      admin: false,
      downstream: false,
      entryExpiry: 0,
      storeSvid: false,
      hint: '',
      createdAt: 0,
      revisionNumber: 0,
    });
    const td = 'spiffe://shared.test';
    await ds.createBundle({ trustDomainId: td, rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 });
    const tokens = Array.from({ length: 30 }, (_, i) => `shared-token-${i}`);
    for (const token of tokens) await ds.createJoinToken({ token, expiry: 4_000_000_000 });
    const similar = Array.from({ length: 30 }, (_, i) => ({ spiffeId: `spiffe://example.org/race/${i}`, parentId: 'spiffe://example.org/agent', value: String(i) }));
    const job = { pluginData: db.pluginData, entryId: entry.entryId, trustDomainId: td, updates: UPDATES, similar, tokens };

    const [a, b] = await Promise.all([runWriter({ ...job, name: 'a' }), runWriter({ ...job, name: 'b' })]);
    assert.deepEqual([...a.errors, ...b.errors], []);

    const after = await ds.fetchRegistrationEntry(entry.entryId);
    assert.equal(after?.revisionNumber, 2 * UPDATES, 'every update of both processes counted');
    const bundle = await ds.fetchBundle(td);
    assert.equal(bundle?.jwtSigningKeys.length, 2 * UPDATES, 'every appended key of both processes kept');
    assert.equal(bundle?.sequenceNumber, 2 * UPDATES);
    assert.equal(a.created + b.created, similar.length, 'each similar entry created by exactly one process');
    assert.equal(await ds.countRegistrationEntries({ byParentId: 'spiffe://example.org/agent' }), similar.length + 1);
    assert.equal(a.consumed + b.consumed, tokens.length, 'each join token consumed exactly once');
    assert.equal(await ds.countJoinTokens(), 0);
  } finally {
    await ds.close?.();
  }
}

for (const [label, make] of [
  ['PostgreSQL', postgresDb],
  ['MySQL', mysqlDb],
] as const) {
  describe(`two server processes writing to one ${label} database`, async () => {
    const target = await make();
    if (target.db) after(() => target.db!.drop());
    it('lose no update', { skip: target.skip ?? false }, async () => {
      if (target.fail) throw new Error(target.fail);
      await twoWriters(target.db!);
    });
  });
}
