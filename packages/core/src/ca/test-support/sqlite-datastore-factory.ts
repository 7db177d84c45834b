import { TrustDomain } from '../../spiffeid/index.js';
import { openSqlDataStore } from '../../plugins/datastore/test-support/sql-store.js';
import type { CADataStore } from '../ca-datastore.js';

/**
 * The crash harness's DataStore factory for the real SQL store on SQLite, in `dir`. Point
 * SPIRE_CRASH_DS_MODULE at this module's compiled file to run the crash test against it.
 */
export async function createDataStore(dir: string): Promise<CADataStore & { close?(): unknown }> {
  return openSqlDataStore({ trustDomain: TrustDomain.parse('example.org'), dataDir: dir });
}
