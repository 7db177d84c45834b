import { parseDuration } from '@spire-ts/core/plugin';

/** Where a SQLite database lives, from a SPIRE connection_string (a path or a `file:` URI). */
export function parseSqliteConnString(s: string): { filename: string; problems: string[] } {
  if (s === ':memory:') return { filename: ':memory:', problems: [] };
  if (!s.startsWith('file:')) return { filename: s, problems: [] };
  const [rest = '', query = ''] = s.slice('file:'.length).split('?', 2);
  const params = new URLSearchParams(query);
  if (params.get('mode') === 'memory' || rest === ':memory:') return { filename: ':memory:', problems: [] };
  let path = rest;
  if (path.startsWith('//')) path = path.slice(2); // file://host/path: only an empty host or localhost
  if (path.startsWith('localhost/')) path = path.slice('localhost'.length);
  if (path === '') return { filename: '', problems: ['connection_string: a file: URI needs a path'] };
  return { filename: decodeURIComponent(path), problems: [] };
}

/** A PostgreSQL connection, as lib/pq reads it from a URL or `key=value` words. */
export interface PgConnSpec {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  /** disable, allow, prefer, require, verify-ca or verify-full; lib/pq's default is require. */
  sslmode: string;
  sslcert?: string;
  sslkey?: string;
  sslrootcert?: string;
  connectTimeoutSec?: number;
  applicationName?: string;
}

const PG_SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function keywordPairs(s: string, problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && /\s/.test(s[i]!)) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    if (eq < 0) {
      problems.push(`connection_string: missing "=" after "${s.slice(i)}"`);
      break;
    }
    const key = s.slice(i, eq).trim();
    i = eq + 1;
    while (i < n && s[i] === ' ') i++;
    let value = '';
    if (s[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const c = s[i]!;
        if (c === '\\' && i + 1 < n) {
          value += s[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) problems.push(`connection_string: unterminated quoted value for "${key}"`);
    } else {
      while (i < n && !/\s/.test(s[i]!)) {
        if (s[i] === '\\' && i + 1 < n) i++;
        value += s[i];
        i++;
      }
    }
    out.set(key, value);
  }
  return out;
}

/** Reads a PostgreSQL connection_string, in URL form or lib/pq's `key=value` form. */
export function parsePostgresConnString(s: string): { spec?: PgConnSpec; problems: string[] } {
  const problems: string[] = [];
  let kv: Map<string, string>;
  if (/^postgres(ql)?:\/\//.test(s)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return { problems: ['connection_string: not a valid postgres:// URL'] };
    }
    kv = new Map(u.searchParams);
    if (u.hostname) kv.set('host', decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1'));
    if (u.port) kv.set('port', u.port);
    if (u.username) kv.set('user', decodeURIComponent(u.username));
    if (u.password) kv.set('password', decodeURIComponent(u.password));
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (db) kv.set('dbname', db);
  } else {
    kv = keywordPairs(s, problems);
  }
  const port = Number(kv.get('port') ?? '5432');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) problems.push(`connection_string: port "${kv.get('port')}" is not a port number`);
  const sslmode = kv.get('sslmode') ?? 'require';
  if (!PG_SSLMODES.includes(sslmode)) problems.push(`connection_string: sslmode "${sslmode}" must be one of ${PG_SSLMODES.join(', ')}`);
  const timeout = kv.get('connect_timeout');
  const connectTimeoutSec = timeout === undefined ? undefined : Number(timeout);
  if (connectTimeoutSec !== undefined && (!Number.isInteger(connectTimeoutSec) || connectTimeoutSec < 0)) {
    problems.push(`connection_string: connect_timeout "${timeout}" must be a whole number of seconds`);
  }
  const spec: PgConnSpec = { host: kv.get('host') || 'localhost', port, sslmode };
  const copy = (key: string, to: keyof PgConnSpec): void => {
    const v = kv.get(key);
    if (v !== undefined) (spec as unknown as Record<string, unknown>)[to] = v;
  };
  copy('user', 'user');
  copy('password', 'password');
  copy('dbname', 'database');
  copy('sslcert', 'sslcert');
  copy('sslkey', 'sslkey');
  copy('sslrootcert', 'sslrootcert');
  const app = kv.get('application_name') ?? kv.get('fallback_application_name');
  if (app !== undefined) spec.applicationName = app;
  if (connectTimeoutSec !== undefined) spec.connectTimeoutSec = connectTimeoutSec;
  return problems.length > 0 ? { problems } : { spec, problems };
}

/** A MySQL connection, as the Go MySQL driver reads it from a DSN. */
export interface MysqlConnSpec {
  user: string;
  password: string;
  host?: string;
  port?: number;
  socketPath?: string;
  database: string;
  /** The DSN's `tls` parameter: false, true, skip-verify, preferred, or a custom name. */
  tls: string;
  connectTimeoutMs?: number;
  /**
   * Session system variables, set on every new connection as the Go driver does for each DSN
   * parameter that is not one of its own (e.g. `auto_increment_increment=2`).
   */
  systemVariables?: Record<string, string>;
}

/** The Go MySQL driver's own DSN parameters; every other parameter is a session system variable. */
const GO_MYSQL_PARAMS = new Set([
  'allowAllFiles', 'allowCleartextPasswords', 'allowFallbackToPlaintext', 'allowNativePasswords', 'allowOldPasswords',
  'charset', 'checkConnLiveness', 'collation', 'clientFoundRows', 'columnsWithAlias', 'connectionAttributes',
  'interpolateParams', 'loc', 'maxAllowedPacket', 'multiStatements', 'parseTime', 'readTimeout', 'rejectReadOnly',
  'serverPubKey', 'timeTruncate', 'timeout', 'tls', 'writeTimeout',
]);

/** System variable values taken from a DSN: numbers, words and quoted plain strings (no statement can be smuggled in). */
const SYSTEM_VARIABLE_VALUE = /^(?:[\w.+-]+|'[\w.,+ -]*')$/;

/**
 * Reads a Go MySQL DSN: `[user[:password]@][net[(addr)]]/dbname[?param=value&...]`. As the Go
 * driver, the last `/` starts the database name and the last `@` before it ends the credentials,
 * so passwords may contain `@` and `/`.
 */
export function parseMysqlDsn(s: string): { spec?: MysqlConnSpec; problems: string[] } {
  const problems: string[] = [];
  const q = s.indexOf('?');
  const main = q >= 0 ? s.slice(0, q) : s;
  const params = new URLSearchParams(q >= 0 ? s.slice(q + 1) : '');
  const slash = main.lastIndexOf('/');
  if (slash < 0) return { problems: ['connection_string: a MySQL DSN needs "/dbname", as in user:pass@tcp(host:3306)/dbname'] };
  const database = main.slice(slash + 1);
  const head = main.slice(0, slash);
  const at = head.lastIndexOf('@');
  const cred = at >= 0 ? head.slice(0, at) : '';
  const netPart = at >= 0 ? head.slice(at + 1) : head;
  const colon = cred.indexOf(':');
  const user = colon >= 0 ? cred.slice(0, colon) : cred;
  const password = colon >= 0 ? cred.slice(colon + 1) : '';
  const m = /^([a-z0-9]*)(?:\((.*)\))?$/i.exec(netPart);
  if (!m) return { problems: [`connection_string: cannot read the network part "${netPart}"; expected tcp(host:port) or unix(/path)`] };
  const net = m[1] || 'tcp';
  const addr = m[2] ?? '';
  const spec: MysqlConnSpec = { user, password, database, tls: params.get('tls') ?? 'false' };
  if (net === 'unix') {
    spec.socketPath = addr || '/tmp/mysql.sock';
  } else if (net === 'tcp' || net === 'tcp6') {
    const hp = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(addr);
    if (!hp) problems.push(`connection_string: cannot read the address "${addr}"; expected host:port`);
    else {
      spec.host = hp[1] ?? (hp[2] || '127.0.0.1');
      spec.port = hp[3] ? Number(hp[3]) : 3306;
      if (spec.port <= 0 || spec.port > 65535) problems.push(`connection_string: port ${hp[3]} is not a port number`);
    }
  } else {
    problems.push(`connection_string: network "${net}" is not supported; use tcp or unix`);
  }
  for (const [name, value] of params) {
    if (GO_MYSQL_PARAMS.has(name)) continue;
    if (!/^[a-z_][a-z0-9_]*$/i.test(name) || !SYSTEM_VARIABLE_VALUE.test(value)) {
      problems.push(`connection_string: parameter ${name}=${value} is not a driver option nor a plain system variable setting`);
      continue;
    }
    (spec.systemVariables ??= {})[name] = value;
  }
  const timeout = params.get('timeout');
  if (timeout !== null) {
    try {
      spec.connectTimeoutMs = parseDuration(timeout);
    } catch {
      problems.push(`connection_string: timeout "${timeout}" is not a duration`);
    }
  }
  return problems.length > 0 ? { problems } : { spec, problems };
}
