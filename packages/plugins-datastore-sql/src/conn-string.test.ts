import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMysqlDsn, parsePostgresConnString, parseSqliteConnString } from './conn-string.js';

describe('SQLite connection strings', () => {
  it('takes a path, a file: URI or an in-memory URI', () => {
    assert.equal(parseSqliteConnString('./.data/datastore.sqlite3').filename, './.data/datastore.sqlite3');
    assert.equal(parseSqliteConnString('file:/var/lib/spire/ds.db?_busy_timeout=5000').filename, '/var/lib/spire/ds.db');
    assert.equal(parseSqliteConnString('file:memdb?mode=memory&cache=shared').filename, ':memory:');
    assert.equal(parseSqliteConnString(':memory:').filename, ':memory:');
  });
});

describe('PostgreSQL connection strings', () => {
  it("reads lib/pq's key=value form, with quoting", () => {
    const r = parsePostgresConnString("dbname=spire_development user=spire password='p a\\'ss' host=127.0.0.1 port=5433 sslmode=disable connect_timeout=7");
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.spec, {
      host: '127.0.0.1',
      port: 5433,
      sslmode: 'disable',
      user: 'spire',
      password: "p a'ss",
      database: 'spire_development',
      connectTimeoutSec: 7,
    });
  });

  it('reads the URL form and defaults sslmode to require, as lib/pq', () => {
    const r = parsePostgresConnString('postgresql://u%40x:s%2Fecret@db.example:6543/spire?sslrootcert=/ca.pem');
    assert.deepEqual(r.spec, {
      host: 'db.example',
      port: 6543,
      sslmode: 'require',
      user: 'u@x',
      password: 's/ecret',
      database: 'spire',
      sslrootcert: '/ca.pem',
    });
  });

  it('reports every problem', () => {
    const r = parsePostgresConnString('host=x port=99999 sslmode=sometimes connect_timeout=soon');
    assert.equal(r.spec, undefined);
    assert.deepEqual(r.problems, [
      'connection_string: port "99999" is not a port number',
      'connection_string: sslmode "sometimes" must be one of disable, allow, prefer, require, verify-ca, verify-full',
      'connection_string: connect_timeout "soon" must be a whole number of seconds',
    ]);
  });
});

describe('MySQL DSNs (Go driver format)', () => {
  it('reads user, password, tcp address, database and parameters', () => {
    const r = parseMysqlDsn('spire:spire@tcp(127.0.0.1:3306)/spire_test?parseTime=true&tls=skip-verify&timeout=5s');
    assert.deepEqual(r.spec, {
      user: 'spire',
      password: 'spire',
      database: 'spire_test',
      tls: 'skip-verify',
      host: '127.0.0.1',
      port: 3306,
      connectTimeoutMs: 5000,
    });
  });

  it('takes parameters that are not driver options as session system variables, as the Go driver', () => {
    const r = parseMysqlDsn("u@tcp(db)/d?parseTime=true&auto_increment_increment=2&auto_increment_offset=1&sql_mode=%27ANSI%27");
    assert.deepEqual(r.spec?.systemVariables, { auto_increment_increment: '2', auto_increment_offset: '1', sql_mode: "'ANSI'" });
    assert.deepEqual(parseMysqlDsn('u@tcp(db)/d?x=1;DROP').problems, ['connection_string: parameter x=1;DROP is not a driver option nor a plain system variable setting']);
  });

  it('takes the last @ and / as the Go driver does, so passwords may hold them', () => {
    const r = parseMysqlDsn('user:p@ss/w@rd@tcp(db:3307)/spire');
    assert.equal(r.spec?.password, 'p@ss/w@rd');
    assert.equal(r.spec?.host, 'db');
    assert.equal(r.spec?.port, 3307);
  });

  it('defaults the address, reads IPv6 and unix sockets, and an empty password', () => {
    assert.deepEqual(parseMysqlDsn('spire:@tcp(127.0.0.1)/spire_development?parseTime=true').spec, {
      user: 'spire',
      password: '',
      database: 'spire_development',
      tls: 'false',
      host: '127.0.0.1',
      port: 3306,
    });
    assert.equal(parseMysqlDsn('u@tcp([::1]:3306)/d').spec?.host, '::1');
    assert.equal(parseMysqlDsn('u@unix(/run/mysqld/mysqld.sock)/d').spec?.socketPath, '/run/mysqld/mysqld.sock');
    assert.equal(parseMysqlDsn('/d').spec?.host, '127.0.0.1');
  });

  it('refuses what it cannot read', () => {
    assert.deepEqual(parseMysqlDsn('spire@tcp(localhost:3306)').problems, [
      'connection_string: a MySQL DSN needs "/dbname", as in user:pass@tcp(host:3306)/dbname',
    ]);
    assert.deepEqual(parseMysqlDsn('u@udp(x:1)/d').problems, ['connection_string: network "udp" is not supported; use tcp or unix']);
    assert.deepEqual(parseMysqlDsn('u@tcp(x:1)/d?timeout=never').problems, ['connection_string: timeout "never" is not a duration']);
  });
});
