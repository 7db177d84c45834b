import { defineDataStore } from '@spire-ts/core/plugin';
import { parseSqlConfig, type SqlConfig } from './config.js';
import { openSqlStore } from './open.js';

/**
 * The built-in DataStore "sql": SQLite (embedded default), PostgreSQL or MySQL/MariaDB, chosen by
 * `database_type`. `create` connects and migrates the schema; it throws UNAVAILABLE when the
 * database cannot be reached and FAILED_PRECONDITION when the schema is newer than this server.
 */
export const sqlDataStore = defineDataStore<SqlConfig>({
  name: 'sql',
  parseConfig: (raw) => parseSqlConfig(raw),
  create: ({ config, log }) => openSqlStore(config, log),
});

export type { SqlConfig } from './config.js';
