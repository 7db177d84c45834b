import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlDataStore } from './index.js';
import { TrustDomain } from '@spire-ts/core/plugin';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

describe('sql plugin_data', () => {
  it('reads a full MySQL configuration', () => {
    const r = sqlDataStore.parseConfig(
      {
        database_type: 'mysql',
        connection_string: 'spire:pw@tcp(db:3306)/spire?parseTime=true',
        ro_connection_string: 'spire:pw@tcp(replica:3306)/spire?parseTime=true',
        root_ca_path: '/ca.pem',
        client_cert_path: '/c.pem',
        client_key_path: '/k.pem',
        max_open_conns: 20,
        max_idle_conns: 5,
        conn_max_lifetime: '1h',
        disable_migration: true,
        log_sql: true,
      },
      core,
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.databaseType, 'mysql');
    assert.equal(r.config?.maxOpenConns, 20);
    assert.equal(r.config?.maxIdleConns, 5);
    assert.equal(r.config?.connMaxLifetimeMs, 3_600_000);
    assert.equal(r.config?.disableMigration, true);
    assert.equal(r.config?.logSql, true);
    assert.equal(r.config?.roConnection?.dialect, 'mysql');
  });

  it('defaults the pool sizes to 100, as SPIRE', () => {
    const r = sqlDataStore.parseConfig({ database_type: 'sqlite3', connection_string: 'ds.sqlite3' }, core);
    assert.equal(r.config?.maxOpenConns, 100);
    assert.equal(r.config?.maxIdleConns, 100);
    assert.equal(r.config?.disableMigration, false);
  });

  it('reads max_open_conns <= 0 as no limit and max_idle_conns <= 0 as none kept, as database/sql does', () => {
    for (const n of [0, -1]) {
      const r = sqlDataStore.parseConfig({ database_type: 'postgres', connection_string: 'host=db', max_open_conns: n, max_idle_conns: n }, core);
      assert.deepEqual(r.problems, []);
      assert.equal(r.config?.maxOpenConns, Number.MAX_SAFE_INTEGER);
      assert.equal(r.config?.maxIdleConns, 0);
    }
  });

  it('collects every problem, each naming its option', () => {
    const r = sqlDataStore.parseConfig(
      {
        database_type: 'oracle',
        max_open_conns: 'many',
        conn_max_lifetime: 'forever',
        disable_migration: 'perhaps',
        client_cert_path: '/c.pem',
        surprise: 1,
      },
      core,
    );
    assert.equal(r.config, undefined);
    assert.deepEqual(r.problems, [
      'database_type must be one of "sqlite3", "postgres", "mysql"; got "oracle"',
      'connection_string is required',
      'max_open_conns must be an integer',
      'conn_max_lifetime must be a duration such as "30s", "5m" or "6h"; got "forever"',
      'disable_migration must be a boolean',
      'client_cert_path and client_key_path must be set together',
      'unknown option surprise',
    ]);
  });

  it('names the connection string that is malformed', () => {
    const r = sqlDataStore.parseConfig(
      { database_type: 'postgres', connection_string: 'host=x sslmode=bad', ro_connection_string: 'port=0' },
      core,
    );
    assert.deepEqual(r.problems, [
      'connection_string: sslmode "bad" must be one of disable, allow, prefer, require, verify-ca, verify-full',
      'ro_connection_string: port "0" is not a port number',
    ]);
  });

  it('refuses IAM database types with a clear message', () => {
    const r = sqlDataStore.parseConfig({ database_type: { aws_postgres: { region: 'us-east-1' } }, connection_string: 'x' }, core);
    assert.match(r.problems.join('\n'), /IAM-authenticated database types .* are not supported/);
  });
});
