import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import type { Dialect } from './driver/sql-driver.js';
import {
  parseMysqlDsn,
  parsePostgresConnString,
  parseSqliteConnString,
  type MysqlConnSpec,
  type PgConnSpec,
} from './conn-string.js';

/** A database to open: the dialect and what its connection string said. */
export type ConnSpec =
  | { dialect: 'sqlite3'; filename: string }
  | { dialect: 'postgres'; pg: PgConnSpec }
  | { dialect: 'mysql'; mysql: MysqlConnSpec };

/** The sql DataStore's configuration, read from plugin_data. */
export interface SqlConfig {
  databaseType: Dialect;
  connection: ConnSpec;
  /** A read-only replica for reads that tolerate stale data. */
  roConnection?: ConnSpec;
  rootCaPath?: string;
  clientCertPath?: string;
  clientKeyPath?: string;
  maxOpenConns: number;
  maxIdleConns: number;
  /** Milliseconds; undefined means unlimited. */
  connMaxLifetimeMs?: number;
  disableMigration: boolean;
  logSql: boolean;
}

const TYPES = ['sqlite3', 'postgres', 'mysql'] as const;

function readConn(dialect: Dialect, option: string, s: string, problems: string[]): ConnSpec | undefined {
  const tag = (p: string): string => p.replace(/^connection_string/, option);
  switch (dialect) {
    case 'sqlite3': {
      const r = parseSqliteConnString(s);
      problems.push(...r.problems.map(tag));
      return r.problems.length === 0 ? { dialect, filename: r.filename } : undefined;
    }
    case 'postgres': {
      const r = parsePostgresConnString(s);
      problems.push(...r.problems.map(tag));
      return r.spec ? { dialect, pg: r.spec } : undefined;
    }
    case 'mysql': {
      const r = parseMysqlDsn(s);
      problems.push(...r.problems.map(tag));
      return r.spec ? { dialect, mysql: r.spec } : undefined;
    }
  }
}

/**
 * Reads plugin_data, collecting every problem (each naming its option). Touches nothing outside:
 * TLS files are read when the store opens. Safe to call any number of times.
 */
export function parseSqlConfig(raw: PluginData): ParseResult<SqlConfig> {
  const r = new ConfigReader(raw ?? {});
  const iam = r.has('database_type') && typeof raw.database_type === 'object';
  if (iam) {
    r.allow('database_type');
    r.problem('database_type: IAM-authenticated database types (aws_postgres, aws_mysql) are not supported by this server; use sqlite3, postgres or mysql');
  }
  const databaseType = (iam ? undefined : r.string('database_type', { required: true, oneOf: TYPES })) as
    | Dialect
    | undefined;
  const cs = r.string('connection_string', { required: true });
  const ro = r.string('ro_connection_string');
  const rootCaPath = r.string('root_ca_path');
  const clientCertPath = r.string('client_cert_path');
  const clientKeyPath = r.string('client_key_path');
  // Go's database/sql, which SPIRE hands these to: a limit <= 0 on open connections means none,
  // and <= 0 idle connections means none are kept.
  const maxOpenRaw = r.int('max_open_conns', { default: 100 }) ?? 100;
  const maxOpenConns = maxOpenRaw <= 0 ? Number.MAX_SAFE_INTEGER : maxOpenRaw;
  const maxIdleConns = Math.max(0, r.int('max_idle_conns', { default: 100 }) ?? 100);
  const connMaxLifetimeMs = r.duration('conn_max_lifetime', { min: 0 });
  const disableMigration = r.bool('disable_migration', { default: false }) ?? false;
  const logSql = r.bool('log_sql', { default: false }) ?? false;
  r.allow('driver'); // an old SPIRE alias nobody sets; silently accepted like SPIRE

  if ((clientCertPath === undefined) !== (clientKeyPath === undefined)) {
    r.problem('client_cert_path and client_key_path must be set together');
  }
  if (databaseType && databaseType !== 'mysql' && (rootCaPath || clientCertPath || clientKeyPath)) {
    r.problem('root_ca_path, client_cert_path and client_key_path apply to database_type "mysql" only; PostgreSQL takes sslrootcert, sslcert and sslkey in the connection_string');
  }
  if (cs === '') r.problem('connection_string must not be empty');
  const problems: string[] = [];
  let connection: ConnSpec | undefined;
  let roConnection: ConnSpec | undefined;
  if (databaseType && cs) connection = readConn(databaseType, 'connection_string', cs, problems);
  if (databaseType && ro) {
    if (databaseType === 'sqlite3') problems.push('ro_connection_string is not supported for sqlite3');
    else roConnection = readConn(databaseType, 'ro_connection_string', ro, problems);
  }
  for (const p of problems) r.problem(p);
  const config: SqlConfig = {
    databaseType: databaseType ?? 'sqlite3',
    connection: connection ?? { dialect: 'sqlite3', filename: '' },
    maxOpenConns,
    maxIdleConns,
    disableMigration,
    logSql,
  };
  if (roConnection) config.roConnection = roConnection;
  if (rootCaPath) config.rootCaPath = rootCaPath;
  if (clientCertPath) config.clientCertPath = clientCertPath;
  if (clientKeyPath) config.clientKeyPath = clientKeyPath;
  if (connMaxLifetimeMs) config.connMaxLifetimeMs = connMaxLifetimeMs;
  return r.result(config);
}
