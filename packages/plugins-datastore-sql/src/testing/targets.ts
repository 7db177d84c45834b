import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { silentLogger } from '@spire-ts/core/plugin';
import type { DataStore } from '@spire-ts/core/plugin';
import { parseSqlConfig, type SqlConfig } from '../config.js';
import { parseMysqlDsn, parsePostgresConnString } from '../conn-string.js';
import type { SqlDriver } from '../driver/sql-driver.js';
import { openDriver, openSqlStore } from '../open.js';

/** A database the tests may use: a config for it and how to throw it away. */
export interface TestDb {
  /** plugin_data for the sql DataStore pointing at this database. */
  pluginData: Record<string, unknown>;
  /** Opens a store on it (migrating on first use). */
  open(extra?: Record<string, unknown>): Promise<DataStore>;
  /** A raw driver on it, for tests that write SQL themselves; the caller closes it. */
  driver(): SqlDriver;
  /** Drops the database (or deletes the file). */
  drop(): Promise<void>;
}

/** Parses plugin data or throws with every problem. */
export function mustParse(data: Record<string, unknown>): SqlConfig {
  const r = parseSqlConfig(data);
  if (!r.config) throw new Error(`bad test config: ${r.problems.join('; ')}`);
  return r.config;
}

function opener(base: Record<string, unknown>) {
  return (extra: Record<string, unknown> = {}) => openSqlStore(mustParse({ ...base, ...extra }), silentLogger());
}

function driverOf(base: Record<string, unknown>) {
  return (): SqlDriver => {
    const cfg = mustParse(base);
    return openDriver(cfg, cfg.connection, silentLogger());
  };
}

/** A fresh SQLite file in a temp directory. */
export function sqliteDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'spire-ds-'));
  const pluginData = { database_type: 'sqlite3', connection_string: join(dir, 'datastore.sqlite3') };
  return {
    pluginData,
    open: opener(pluginData),
    driver: driverOf(pluginData),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function requireDbs(): boolean {
  return process.env.SPIRE_TEST_REQUIRE_DBS === '1';
}

/**
 * Why a server-backed suite cannot run, or undefined when it can. With SPIRE_TEST_REQUIRE_DBS=1 a
 * missing server is an error for the caller to fail on, not a reason to skip.
 */
export interface Availability {
  skip?: string;
  fail?: string;
}

function unavailable(what: string, why: string): Availability {
  const msg = `${what}: ${why}`;
  if (requireDbs()) return { fail: `${msg} (SPIRE_TEST_REQUIRE_DBS=1, so this is a failure)` };
  console.log(`# skipping ${msg}`);
  return { skip: msg };
}

/** Creates a uniquely named PostgreSQL database for this run, or says why it cannot. */
export async function postgresDb(): Promise<{ db?: TestDb } & Availability> {
  const url = process.env.SPIRE_TEST_POSTGRES_URL;
  if (!url) return unavailable('PostgreSQL suite', 'SPIRE_TEST_POSTGRES_URL is not set (run: bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  const parsed = parsePostgresConnString(url);
  if (!parsed.spec) return unavailable('PostgreSQL suite', `SPIRE_TEST_POSTGRES_URL is malformed: ${parsed.problems.join('; ')}`);
  const s = parsed.spec;
  const admin = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: s.database, connectionTimeoutMillis: 3000 });
  const name = `spire_ts_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end().catch(() => undefined);
    return unavailable('PostgreSQL suite', `cannot reach ${s.host}:${s.port}: ${(err as Error).message}`);
  }
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const pluginData = { database_type: 'postgres', connection_string: u.toString() };
  return {
    db: {
      pluginData,
      open: opener(pluginData),
      driver: driverOf(pluginData),
      drop: async () => {
        const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: s.database });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    },
  };
}

/** Creates a uniquely named MySQL/MariaDB database for this run, or says why it cannot. */
export async function mysqlDb(): Promise<{ db?: TestDb } & Availability> {
  const dsn = process.env.SPIRE_TEST_MYSQL_URL;
  if (!dsn) return unavailable('MySQL suite', 'SPIRE_TEST_MYSQL_URL is not set (run: bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  const parsed = parseMysqlDsn(dsn);
  if (!parsed.spec) return unavailable('MySQL suite', `SPIRE_TEST_MYSQL_URL is malformed: ${parsed.problems.join('; ')}`);
  const s = parsed.spec;
  const conn = { host: s.host, port: s.port, user: s.user, password: s.password, connectTimeout: 3000 };
  const name = `spire_ts_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    const c = await mysql.createConnection(conn);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  } catch (err) {
    return unavailable('MySQL suite', `cannot reach ${s.host}:${s.port}: ${(err as Error).message}`);
  }
  const q = dsn.indexOf('?');
  const pluginData = {
    database_type: 'mysql',
    connection_string: `${dsn.slice(0, dsn.lastIndexOf('/', q >= 0 ? q : dsn.length))}/${name}${q >= 0 ? dsn.slice(q) : ''}`,
  };
  return {
    db: {
      pluginData,
      open: opener(pluginData),
      driver: driverOf(pluginData),
      drop: async () => {
        const c = await mysql.createConnection(conn);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
        await c.end();
      },
    },
  };
}
