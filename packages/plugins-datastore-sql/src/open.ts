import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '@spire-ts/core/plugin';
import type { ConnSpec, SqlConfig } from './config.js';
import { MysqlDriver } from './driver/mysql-driver.js';
import { PgDriver } from './driver/pg-driver.js';
import { SqlFailure, type SqlDriver } from './driver/sql-driver.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { SqlErrors } from './errors.js';
import { migrate, schemaVersion } from './schema/migrate.js';
import { SCHEMA_VERSION } from './schema/migrations.js';
import { SqlStore } from './store/sql-store.js';
import { toSpireError } from './store/sql-util.js';

/** The SPIRE release this server stands in for, recorded in the `migrations` row (semver, as Go SPIRE parses it; keep equal to core's VERSION). */
export const CODE_VERSION = '1.16.0';

function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw SqlErrors.malformed(option, `cannot read "${path}": ${(err as Error).message}`);
  }
}

function pgSsl(spec: ConnSpec & { dialect: 'postgres' }): false | ConnectionOptions {
  const p = spec.pg;
  if (p.sslmode === 'disable' || p.sslmode === 'allow' || p.sslmode === 'prefer') return false;
  const ssl: ConnectionOptions = { rejectUnauthorized: p.sslmode !== 'require' };
  if (p.sslrootcert) ssl.ca = readPem('connection_string sslrootcert', p.sslrootcert);
  if (p.sslcert) ssl.cert = readPem('connection_string sslcert', p.sslcert);
  if (p.sslkey) ssl.key = readPem('connection_string sslkey', p.sslkey);
  if (p.sslmode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
  return ssl;
}

function mysqlSsl(cfg: SqlConfig, spec: ConnSpec & { dialect: 'mysql' }): undefined | ConnectionOptions {
  const tls = spec.mysql.tls;
  const custom = cfg.rootCaPath !== undefined || cfg.clientCertPath !== undefined;
  if ((tls === 'false' || tls === 'preferred') && !custom) return undefined;
  const ssl: ConnectionOptions = { rejectUnauthorized: tls !== 'skip-verify' };
  if (cfg.rootCaPath) ssl.ca = readPem('root_ca_path', cfg.rootCaPath);
  if (cfg.clientCertPath) ssl.cert = readPem('client_cert_path', cfg.clientCertPath);
  if (cfg.clientKeyPath) ssl.key = readPem('client_key_path', cfg.clientKeyPath);
  return ssl;
}

/** Makes the driver for one connection spec (nothing connects yet except SQLite's file open). */
export function openDriver(cfg: SqlConfig, spec: ConnSpec, log: Logger, readonly = false): SqlDriver {
  const logSql = cfg.logSql ? (sql: string) => log.info({ sql }, 'SQL statement') : undefined;
  const withLog = <T extends object>(o: T): T & { logSql?: (s: string) => void } => (logSql ? { ...o, logSql } : o);
  switch (spec.dialect) {
    case 'sqlite3':
      return new SqliteDriver(withLog({ filename: spec.filename, readonly }));
    case 'postgres': {
      const p = spec.pg;
      const pool: import('pg').PoolConfig = {
        host: p.host,
        port: p.port,
        max: cfg.maxOpenConns,
        ssl: pgSsl(spec),
      };
      if (p.user !== undefined) pool.user = p.user;
      if (p.password !== undefined) pool.password = p.password;
      if (p.database !== undefined) pool.database = p.database;
      if (p.applicationName !== undefined) pool.application_name = p.applicationName;
      if (p.connectTimeoutSec) pool.connectionTimeoutMillis = p.connectTimeoutSec * 1000;
      if (cfg.connMaxLifetimeMs) pool.maxLifetimeSeconds = Math.max(1, Math.round(cfg.connMaxLifetimeMs / 1000));
      return new PgDriver(withLog({ pool, maxIdle: cfg.maxIdleConns }));
    }
    case 'mysql': {
      const m = spec.mysql;
      const pool: import('mysql2/promise').PoolOptions = {
        user: m.user,
        password: m.password,
        database: m.database,
        connectionLimit: cfg.maxOpenConns,
        maxIdle: Math.min(cfg.maxIdleConns, cfg.maxOpenConns),
      };
      if (m.socketPath) pool.socketPath = m.socketPath;
      else {
        pool.host = m.host ?? '127.0.0.1';
        pool.port = m.port ?? 3306;
      }
      if (m.connectTimeoutMs) pool.connectTimeout = m.connectTimeoutMs;
      const ssl = mysqlSsl(cfg, spec);
      if (ssl) pool.ssl = ssl as import('mysql2/promise').SslOptions;
      return new MysqlDriver(
        withLog({ pool, ...(m.systemVariables ? { systemVariables: m.systemVariables } : {}), ...(cfg.connMaxLifetimeMs ? { maxLifetimeMs: cfg.connMaxLifetimeMs } : {}) }),
      );
    }
  }
}

/**
 * Opens the store: connects, migrates (or checks the schema when disable_migration is set) and
 * returns it. Throws UNAVAILABLE when the database cannot be reached and FAILED_PRECONDITION when
 * the schema is newer than this server. Closes what it opened when it fails.
 */
export async function openSqlStore(cfg: SqlConfig, log: Logger): Promise<SqlStore> {
  let db: SqlDriver | undefined;
  let ro: SqlDriver | undefined;
  try {
    db = openDriver(cfg, cfg.connection, log);
    log.info({ database_type: cfg.databaseType }, 'Opening SQL database');
    const version = await migrate(db, { disable: cfg.disableMigration, codeVersion: CODE_VERSION });
    if (version > SCHEMA_VERSION) log.warn({ schema: version }, 'DB schema is ahead of code version, upgrading SPIRE Server is recommended');
    else log.info({ schema: version }, cfg.disableMigration ? 'Database schema is current; auto-migration disabled' : 'Database schema is current');
    if (cfg.roConnection) {
      ro = openDriver(cfg, cfg.roConnection, log, true);
      const roVersion = await schemaVersion(ro);
      if (roVersion > Math.max(version, SCHEMA_VERSION)) throw SqlErrors.schemaTooNew(roVersion, SCHEMA_VERSION);
    }
    return new SqlStore(db, ro);
  } catch (err) {
    await ro?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    throw err instanceof SqlFailure ? toSpireError(err) : err;
  }
}
