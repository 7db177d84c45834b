import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { api } from '@spire-ts/core';
import { AgentClient } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A free TCP port on loopback (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Runs a command and returns its stdout; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A real `spire-server run` process with SQLite and a disk KeyManager in a temp dir, its admin
 * socket there too and its TCP API on a free loopback port. `extraPlugins` is HCL added to the
 * plugins block (x509pop, sshpop …); `files` are written into the dir first (relative names).
 */
/**
 * A plugin block for server.conf, `<type> "<name>" { plugin_data { ... } }`, with `data` as HCL:
 * nested objects become blocks, every other value is written as JSON (strings, numbers,
 * booleans and lists read the same in HCL).
 */
export function pluginBlock(type: string, name: string, data: Record<string, unknown>): string {
  const body = (d: Record<string, unknown>, indent: string): string =>
    Object.entries(d)
      .map(([k, v]) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? `${indent}${k} {\n${body(v as Record<string, unknown>, indent + '  ')}\n${indent}}`
          : `${indent}${k} = ${JSON.stringify(v)}`,
      )
      .join('\n');
  return `${type} "${name}" {\n    plugin_data {\n${body(data, '      ')}\n    }\n  }`;
}

export class ServerProcess {
  readonly dir: string;
  port = 0;
  private proc?: ChildProcess;
  private output = '';
  private readonly clients: grpc.Client[] = [];

  /** `td`: the server's trust domain (default example.org). */
  constructor(readonly td = 'example.org') {
    this.dir = mkdtempSync(join(tmpdir(), 'spe2e-'));
  }

  get socketPath(): string {
    return join(this.dir, 'api.sock');
  }

  /** The server's log so far (for failure messages). */
  log(): string {
    return this.output;
  }

  /** The server's process ID once started (benchmarks read its /proc status). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /**
   * `nodeArgs` go before the script (e.g. `--cpu-prof`); `logLevel` defaults to DEBUG (benchmarks
   * use INFO); `env` is added to this process's environment; `extraBlocks` are top-level blocks
   * after `plugins` (e.g. `telemetry { }`); `datastore` replaces the SQLite file's plugin_data;
   * `keyManager` replaces the disk KeyManager's whole block (e.g. `KeyManager "aws_kms" { … }`).
   */
  async start(
    opts: {
      extraPlugins?: string;
      extraServer?: string;
      extraBlocks?: string;
      files?: Record<string, string>;
      nodeArgs?: string[];
      logLevel?: string;
      env?: Record<string, string>;
      datastore?: Record<string, string | number | boolean>;
      keyManager?: string;
    } = {},
  ): Promise<void> {
    for (const [name, body] of Object.entries(opts.files ?? {})) writeFileSync(join(this.dir, name), body);
    this.port = await freePort();
    const datastore = opts.datastore ?? { database_type: 'sqlite3', connection_string: `${this.dir}/data/datastore.sqlite3` };
    const conf = `
server {
  bind_address = "127.0.0.1"
  bind_port = "${this.port}"
  socket_path = "${this.socketPath}"
  trust_domain = "${this.td}"
  data_dir = "${this.dir}/data"
  log_level = "${opts.logLevel ?? 'DEBUG'}"
  ${opts.extraServer ?? ''}
}
plugins {
  DataStore "sql" {
    plugin_data {
${Object.entries(datastore)
  .map(([k, v]) => `      ${k} = ${JSON.stringify(v)}`)
  .join('\n')}
    }
  }
  ${
    opts.keyManager ??
    `KeyManager "disk" {
    plugin_data {
      keys_path = "${this.dir}/data/keys.json"
    }
  }`
  }
  NodeAttestor "join_token" {
    plugin_data {}
  }
  ${opts.extraPlugins ?? ''}
}
${opts.extraBlocks ?? ''}
`;
    const confPath = join(this.dir, 'server.conf');
    writeFileSync(confPath, conf);
    this.proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), join(ROOT, 'bin', 'spire-server'), 'run', '-config', confPath], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const exited = new Promise<never>((_, rej) => this.proc!.once('exit', (code) => rej(new Error(`spire-server exited with ${code}:\n${this.output}`))));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await Promise.race([this.admin('bundle', 'GetBundle', {}), exited]);
        return;
      } catch (err) {
        if ((err as Error).message.startsWith('spire-server exited')) throw err;
        if (Date.now() > deadline) throw new Error(`spire-server did not come up in 60 s:\n${this.output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Sends `sig` to the server process (SIGUSR2 to reopen log_file, SIGKILL to crash it). Throws before start. */
  signal(sig: NodeJS.Signals): void {
    if (!this.proc) throw new Error('spire-server is not started');
    this.proc.kill(sig);
  }

  /** A unary call on the admin socket (local caller, hence admin). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobuf plain objects
  admin<T = any>(service: keyof typeof api.Services, method: string, req: unknown): Promise<T> {
    const Ctor = api.clientConstructor(api.Services[service]);
    const c = new Ctor(`unix://${this.socketPath}`, grpc.credentials.createInsecure());
    this.clients.push(c);
    const fn = (c as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, v: T) => void) => void>)[method]!;
    return new Promise<T>((res, rej) => fn.call(c, req, (e, v) => (e ? rej(e) : res(v))));
  }

  /** The trust bundle's X.509 authorities, PEM (what an operator hands an agent as trust_bundle_path). */
  async bundlePem(): Promise<string> {
    const b = await this.admin<{ x509_authorities: { asn1: Buffer }[] }>('bundle', 'GetBundle', {});
    return certsPem(b.x509_authorities.map((a) => a.asn1));
  }

  /** A join token made through the API (CreateJoinToken), valid for `ttl` seconds. */
  async joinToken(ttl = 600): Promise<string> {
    return (await this.admin<{ value: string }>('agent', 'CreateJoinToken', { ttl })).value;
  }

  /** Creates one entry; returns its ID. Throws when the per-item status is not OK. */
  async createEntry(e: { spiffeId: string; parentId: string; selectors: { type: string; value: string }[]; dnsNames?: string[]; federatesWith?: string[] }): Promise<string> {
    const id = (s: string) => {
      const u = new URL(s);
      return { trust_domain: u.host, path: u.pathname };
    };
    const res = await this.admin<{ results: { status: { code: number; message: string }; entry: { id: string } }[] }>('entry', 'BatchCreateEntry', {
      entries: [{ spiffe_id: id(e.spiffeId), parent_id: id(e.parentId), selectors: e.selectors, dns_names: e.dnsNames ?? [], federates_with: e.federatesWith ?? [], x509_svid_ttl: 0, jwt_svid_ttl: 0 }],
    });
    const r = res.results[0]!;
    if (r.status.code !== 0) throw new Error(`entry not created: ${r.status.message}`);
    return r.entry.id;
  }

  /** Runs `spire-server <args> -socketPath <this server's socket>`; returns stdout, throws on a non-zero exit. */
  cli(...args: string[]): string {
    return run(process.execPath, [join(ROOT, 'bin', 'spire-server'), ...args, '-socketPath', this.socketPath]);
  }

  /**
   * {@link cli} without blocking this process: for a server that calls back into something this
   * process serves (an emulator) while the command runs.
   */
  cliAsync(...args: string[]): Promise<string> {
    return new Promise((res, rej) =>
      execFile(process.execPath, [join(ROOT, 'bin', 'spire-server'), ...args, '-socketPath', this.socketPath], { encoding: 'utf8' }, (err, stdout, stderr) =>
        err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout),
      ),
    );
  }

  /** An agent client bootstrapped from the server's bundle. */
  async agent(): Promise<AgentClient> {
    return new AgentClient({ address: `127.0.0.1:${this.port}`, trustDomain: this.td, bundlePem: await this.bundlePem() });
  }

  /**
   * Stops the process (SIGTERM, then SIGKILL after 10 s) and removes the temp dir, unless
   * `keepDir` (then `start` may run the server again on the same data).
   */
  async stop(opts: { keepDir?: boolean } = {}): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    }
    this.proc = undefined;
    if (!opts.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
