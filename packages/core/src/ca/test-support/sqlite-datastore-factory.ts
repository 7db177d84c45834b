import { join } from 'node:path';
import { silentLogger } from '../../log/logger.js';
import type { AnyPluginDescriptor } from '../../plugins/descriptor.js';
import { TrustDomain } from '../../spiffeid/index.js';
import type { CADataStore } from '../ca-datastore.js';

// Resolved at run time from the workspace root (as the catalog resolves built-ins); core does not
// depend on plugin packages at build time.
const SQL_PACKAGE = '@spire-ts/plugins-datastore-sql';

/**
 * The crash harness's DataStore factory for the real SQL store on SQLite, in `dir`. Point
 * SPIRE_CRASH_DS_MODULE at this module's compiled file to run the crash test against it.
 */
export async function createDataStore(dir: string): Promise<CADataStore & { close?(): unknown }> {
  const { sqlDataStore } = (await import(SQL_PACKAGE)) as { sqlDataStore: AnyPluginDescriptor };
  const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: dir };
  const parsed = sqlDataStore.parseConfig({ database_type: 'sqlite3', connection_string: join(dir, 'datastore.sqlite3') }, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return (await sqlDataStore.create({ config: parsed.config, log: silentLogger(), trustDomain: core.trustDomain, dataDir: dir, host: {} })) as CADataStore;
}
