// Test support: the real SQL DataStore (the built-in "sql" plugin) for core's own tests. Not a test
// file itself and not exported by the package.
//
// @spire-ts/plugins-datastore-sql is a devDependency of core, and core's `test` script builds it
// (tsconfig.test.json). The plugin package depends on core, so core's build must not resolve it:
// the package is loaded by a variable specifier at run time, as the catalog loads built-ins.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../../log/logger.js';
import type { TrustDomain } from '../../../spiffeid/index.js';
import type { AnyPluginDescriptor } from '../../descriptor.js';
import type { DataStore } from '../contract.js';

/** The package of the SQL DataStore. */
export const SQL_DATASTORE_PACKAGE: string = '@spire-ts/plugins-datastore-sql';

/** Loads the SQL DataStore's descriptor. Safe to call repeatedly (the module loads once). */
export async function loadSqlDataStore(): Promise<AnyPluginDescriptor> {
  const mod = (await import(SQL_DATASTORE_PACKAGE)) as { sqlDataStore?: AnyPluginDescriptor };
  if (!mod.sqlDataStore) throw new Error(`package ${SQL_DATASTORE_PACKAGE} does not export sqlDataStore`);
  return mod.sqlDataStore;
}

/** How to open a test store. */
export interface SqlTestStoreOptions {
  trustDomain: TrustDomain;
  /** The server's data dir; the SQLite file goes here unless `data` says otherwise. */
  dataDir: string;
  /** plugin_data; default SQLite in `<dataDir>/datastore.sqlite3`. */
  data?: Record<string, unknown>;
  /** Default silent. */
  log?: Logger;
}

/**
 * Opens the SQL DataStore through its descriptor, as the catalog would. Throws when the
 * plugin_data has problems (all of them, joined). The caller closes the store.
 */
export async function openSqlDataStore(opts: SqlTestStoreOptions): Promise<DataStore> {
  const d = await loadSqlDataStore();
  const core = { trustDomain: opts.trustDomain, dataDir: opts.dataDir };
  const data = opts.data ?? { database_type: 'sqlite3', connection_string: join(opts.dataDir, 'datastore.sqlite3') };
  const parsed = d.parseConfig(data, core);
  if (parsed.problems.length > 0) throw new Error(`test store config: ${parsed.problems.join('; ')}`);
  return (await d.create({ config: parsed.config, log: opts.log ?? silentLogger(), trustDomain: opts.trustDomain, dataDir: opts.dataDir, host: {} })) as DataStore;
}

/**
 * `require` resolving from the SQL DataStore package, for the database drivers it depends on
 * (`pg`, `mysql2/promise`): tests use them to create and drop their own databases.
 */
export function requireFromSqlDataStore(id: string): unknown {
  return createRequire(createRequire(import.meta.url).resolve(SQL_DATASTORE_PACKAGE))(id);
}
