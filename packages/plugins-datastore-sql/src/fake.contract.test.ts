import { runDataStoreContract } from '@spire-ts/core/plugin/testing';
import { FlakyDriver } from './driver/sql-driver.fake.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';

// The store over the fake driver (up) must behave exactly as over the real one.
runDataStoreContract('sql over the flaky fake driver', async () => {
  const inner = new SqliteDriver({ filename: ':memory:' });
  await migrate(inner, { disable: false, codeVersion: '1.16.0' });
  const ds = new SqlStore(new FlakyDriver(inner));
  return { ds, close: () => ds.close() };
});
