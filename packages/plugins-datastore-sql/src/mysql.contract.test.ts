import { after, it } from 'node:test';
import { runDataStoreContract } from '@spire-ts/core/plugin/testing';
import { mysqlDb } from './testing/targets.js';

// Runs when SPIRE_TEST_MYSQL_URL reaches a server; otherwise says why it skips, or fails
// under SPIRE_TEST_REQUIRE_DBS=1.
const target = await mysqlDb();
if (target.db) {
  const db = target.db;
  after(() => db.drop());
  runDataStoreContract('sql (mysql)', async () => {
    const ds = await db.open();
    return { ds, close: async () => ds.close?.() };
  });
} else if (target.fail) {
  it('sql (mysql) conformance suite', () => {
    throw new Error(target.fail);
  });
} else {
  it('sql (mysql) conformance suite', { skip: target.skip }, () => undefined);
}
