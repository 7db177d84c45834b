import { runDataStoreContract } from '@spire-ts/core/plugin/testing';
import { sqliteDb } from './testing/targets.js';

runDataStoreContract('sql (sqlite3)', async () => {
  const db = sqliteDb();
  const ds = await db.open();
  return {
    ds,
    close: async () => {
      await ds.close?.();
      await db.drop();
    },
  };
});
