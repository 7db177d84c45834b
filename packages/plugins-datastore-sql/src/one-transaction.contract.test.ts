import { runDataStoreContract } from '@spire-ts/core/plugin/testing';
import { OneTransactionDriver, watchStore } from './driver/transaction-check.fake.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';

// Every store call is one transaction (docs/ARCHITECTURE.md): the whole contract suite runs with
// a driver that fails any call doing a second unit of work outside the first.
runDataStoreContract('sql: every store call is one transaction', async () => {
  const inner = new SqliteDriver({ filename: ':memory:' });
  await migrate(inner, { disable: false, codeVersion: '1.16.0' });
  const store = new SqlStore(new OneTransactionDriver(inner));
  return { ds: watchStore(store), close: () => store.close() };
});
