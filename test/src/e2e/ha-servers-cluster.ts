import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { mysqlDb, postgresDb, type TestDb } from '@spire-ts/plugins-datastore-sql/testing';
import { AgentClient } from '../agent/index.js';
import { ServerProcess, run } from './harness.js';

// The shared setup of the multi-server suites (ha-servers-*.test.ts): one fresh PostgreSQL or
// MariaDB database per suite, created here and dropped by close(), and real `spire-server run` processes
// of one trust domain pointed at it, each with its own data_dir and disk KeyManager. The
// propagation benchmark can drive the same cluster: open(3), servers[0].createEntry, and an
// agent from agent([2]) that syncs until it sees the entry.

/** The trust domain every server of the cluster serves. */
export const HA_TD = 'example.org';

/** The databases a cluster runs on: `postgres` (SPIRE_TEST_POSTGRES_URL) or `mysql` (SPIRE_TEST_MYSQL_URL, MariaDB here). */
export type HaDialect = 'postgres' | 'mysql';

/** Every dialect the multi-server cases run on, in the order the suites run them. */
export const HA_DIALECTS: readonly HaDialect[] = ['postgres', 'mysql'];

/** How suite names call each dialect's database. */
export const HA_DB_LABEL: Record<HaDialect, string> = { postgres: 'PostgreSQL', mysql: 'MariaDB' };

/**
 * What a case's name ends with on `dialect`: nothing on PostgreSQL (the names the suite had
 * first), ` (MariaDB)` on MySQL, so each case is a separately named test per database.
 */
export function haCaseSuffix(dialect: HaDialect): string {
  return dialect === 'postgres' ? '' : ` (${HA_DB_LABEL[dialect]})`;
}

/** Options for each server's `start` (the datastore block is the cluster's). */
export type HaStartOptions = Omit<NonNullable<Parameters<ServerProcess['start']>[0]>, 'datastore'>;

/**
 * A cluster of servers on one PostgreSQL or MariaDB database. Call {@link HaCluster.prepare} in
 * `before` and {@link HaCluster.close} in `after`; each test first calls {@link HaCluster.skipped}.
 */
export class HaCluster {
  /** The servers, in the order they were added. */
  readonly servers: ServerProcess[] = [];
  private db?: TestDb;
  private skip?: string;

  /** A cluster on a database of `dialect` (PostgreSQL unless told). */
  constructor(readonly dialect: HaDialect = 'postgres') {}

  /**
   * Creates the suite's database. Without the dialect's URL (SPIRE_TEST_POSTGRES_URL or
   * SPIRE_TEST_MYSQL_URL) it records a reason to skip; with SPIRE_TEST_REQUIRE_DBS=1 it throws instead.
   */
  async prepare(): Promise<void> {
    const r = await (this.dialect === 'mysql' ? mysqlDb() : postgresDb());
    if (r.fail) throw new Error(r.fail);
    this.db = r.db;
    this.skip = r.skip;
  }

  /** Whether the suite has its database (prepare() found the server). */
  get available(): boolean {
    return this.db !== undefined;
  }

  /** True (and marks `t` skipped) when the suite has no database. */
  skipped(t: TestContext): boolean {
    if (this.db) return false;
    t.skip(this.skip ?? `no ${HA_DB_LABEL[this.dialect]}`);
    return true;
  }

  /** plugin_data of the sql DataStore for this cluster's database. */
  get datastore(): Record<string, string | number | boolean> {
    if (!this.db) throw new Error('the cluster has no database: call prepare() first');
    return this.db.pluginData as Record<string, string | number | boolean>;
  }

  /** The connection string of the cluster's database (what each server's DataStore uses). */
  get connectionString(): string {
    return String(this.datastore.connection_string);
  }

  /** Adds `n` servers (not started) and returns them. */
  add(n: number): ServerProcess[] {
    const added = Array.from({ length: n }, () => new ServerProcess(HA_TD));
    this.servers.push(...added);
    return added;
  }

  /**
   * Starts `server` on the cluster's database (again, after stop({ keepDir: true })), with
   * `datastore` added to the cluster's plugin_data (e.g. pool options).
   */
  start(server: ServerProcess, opts: HaStartOptions = {}, datastore: Record<string, string | number | boolean> = {}): Promise<void> {
    return server.start({ ...opts, datastore: { ...this.datastore, ...datastore } });
  }

  /** Adds `n` servers and starts them all at the same moment. */
  async open(n: number, opts: HaStartOptions = {}): Promise<ServerProcess[]> {
    const added = this.add(n);
    await Promise.all(added.map((s) => this.start(s, opts)));
    return added;
  }

  /** A raw driver on the cluster's database (placeholders are `?` on both dialects); the caller closes it. */
  driver(): ReturnType<TestDb['driver']> {
    if (!this.db) throw new Error('the cluster has no database: call prepare() first');
    return this.db.driver();
  }

  /** Runs `sql` on the cluster's database (placeholders are `?` on both dialects) and returns the rows. */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const d = this.driver();
    try {
      return await d.query<T>(sql, params);
    } finally {
      await d.close();
    }
  }

  /**
   * An agent client that knows the given servers (indexes into `servers`) in that order, and
   * fails over from one to the next; bootstrapped from the first one's bundle.
   */
  async agent(indexes: number[]): Promise<AgentClient> {
    const first = this.servers[indexes[0]!]!;
    return new AgentClient({ address: indexes.map((i) => `127.0.0.1:${this.servers[i]!.port}`), trustDomain: HA_TD, bundlePem: await first.bundlePem() });
  }

  /** Stops every server (removing its dir) and drops the database. Safe to call twice. */
  async close(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
    const db = this.db;
    this.db = undefined;
    await db?.drop();
  }
}

/** True when `spire-server healthcheck` on `server`'s admin socket says it is healthy (SERVING). */
export async function healthy(server: ServerProcess): Promise<boolean> {
  try {
    return /Server is healthy/.test(await server.cliAsync('healthcheck'));
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms until it holds; throws `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The PEM blocks of `text`, each a certificate. */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/**
 * The local PostgreSQL cluster (version and name, as pg_ctlcluster takes them) that listens on
 * `port`, or undefined when pg_lsclusters is missing or lists none there: scripts/test-dbs.sh
 * starts the test cluster this way, and only that cluster may be restarted by a test.
 */
export function pgClusterOnPort(port: number): [string, string] | undefined {
  let out: string;
  try {
    out = run('pg_lsclusters', ['-h']);
  } catch {
    return undefined;
  }
  for (const line of out.split('\n')) {
    const [ver, name, p] = line.trim().split(/\s+/);
    if (ver && name && Number(p) === port) return [ver, name];
  }
  return undefined;
}

/** Runs `pg_ctlcluster <ver> <name> <action>` (stop in fast mode: sessions are cut at once). */
export function pgCtl(cluster: [string, string], action: 'stop' | 'start'): void {
  execFileSync('pg_ctlcluster', [...cluster, action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'ignore' });
}
