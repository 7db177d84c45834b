import { after, it } from 'node:test';
import { runDataStoreContract } from '@spire-ts/core/plugin/testing';
import { postgresDb } from './testing/targets.js';

// Runs when SPIRE_TEST_POSTGRES_URL reaches a server; otherwise says why it skips, or fails
// under SPIRE_TEST_REQUIRE_DBS=1.
const target = await postgresDb();
if (target.db) {
  const db = target.db;
  after(() => db.drop());
  runDataStoreContract('sql (postgres)', async () => {
    const ds = await db.open();
    return { ds, close: async () => ds.close?.() };
  });
} else if (target.fail) {
  it('sql (postgres) conformance suite', () => {
    throw new Error(target.fail);
  });
} else {
  it('sql (postgres) conformance suite', { skip: target.skip }, () => undefined);
}
