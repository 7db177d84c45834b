import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Logger } from '../../log/logger.js';
import { ExternalErrors } from '../../plugins/external-errors.js';
import { parseHandshakeLine, type Handshake } from './handshake.js';
import { StderrForwarder } from './stderr-log.js';

/** Every plugin process started by this server and not yet reaped, to kill on server exit. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort only: the normal path stops each plugin through the controller. This keeps a
  // crashing or force-exited server from leaving plugin processes behind.
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** How to start one plugin process. */
export interface SpawnOptions {
  /** Absolute path of the binary. */
  path: string;
  args?: readonly string[];
  /** Added to the server's own environment. */
  env: Record<string, string>;
  /** The plugin's logger; stderr lines and process events go here. */
  log: Logger;
  /** How long to wait for the handshake line. */
  startTimeoutMs: number;
}

const SETPRIV = '/usr/bin/setpriv';
let setprivAvailable: boolean | undefined;

/**
 * The command that runs the plugin. Where util-linux's setpriv exists, the plugin is exec'd
 * through it with a parent-death signal of SIGKILL (what SPIRE sets with Pdeathsig), so that a
 * plugin cannot outlive a server that was killed outright; the PID is the plugin's own.
 */
function launcher(path: string, args: readonly string[]): [string, string[]] {
  setprivAvailable ??= process.platform === 'linux' && existsSync(SETPRIV);
  return setprivAvailable ? [SETPRIV, ['--pdeathsig', 'KILL', '--', path, ...args]] : [path, [...args]];
}

/**
 * One running plugin process: its handshake, its exit, and a way to stop it. stdout after the
 * handshake line and all of stderr are forwarded into the plugin's log.
 */
export class PluginProcess {
  private exitInfo: string | undefined;
  private readonly exited: Promise<void>;
  private readonly exitListeners: ((how: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: Logger,
  ) {
    this.exited = new Promise((resolve) => {
      const finish = (how: string) => {
        if (this.exitInfo !== undefined) return;
        live.delete(child);
        this.exitInfo = how;
        for (const l of this.exitListeners) l(how);
        resolve();
      };
      child.once('exit', (code, signal) => finish(signal ? `killed by signal ${signal}` : `exit status ${code ?? 'unknown'}`));
      // A binary that cannot be executed never emits 'exit'.
      child.once('error', (err) => {
        if (child.pid === undefined) finish(`failed to start: ${err.message}`);
      });
    });
  }

  /** The operating-system process ID. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Undefined while running; how it ended once it has. */
  get exit(): string | undefined {
    return this.exitInfo;
  }

  /** Calls `fn` once when the process ends (immediately if it has already). */
  onExit(fn: (how: string) => void): void {
    if (this.exitInfo !== undefined) fn(this.exitInfo);
    else this.exitListeners.push(fn);
  }

  /** Resolves true when the process has ended within `ms`, false otherwise. Never throws. */
  async waitExit(ms: number): Promise<boolean> {
    if (this.exitInfo !== undefined) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), ms);
    });
    const done = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Sends SIGKILL and waits for the exit. Safe to call twice or after the process ended. */
  async kill(): Promise<void> {
    if (this.exitInfo !== undefined) return;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // raced with the exit
    }
    await this.exited;
  }

  /**
   * Starts the binary and waits for its handshake line. On any failure (cannot spawn, exits
   * first, bad line, timeout) the process is killed before the error is thrown, so nothing is
   * left running.
   */
  static async start(opts: SpawnOptions): Promise<{ proc: PluginProcess; handshake: Handshake }> {
    installExitHook();
    try {
      await access(opts.path, constants.X_OK);
    } catch (err) {
      throw ExternalErrors.spawnFailed(opts.path, err);
    }
    let child: ChildProcess;
    const [cmd, argv] = launcher(opts.path, opts.args ?? []);
    try {
      child = spawn(cmd, argv, {
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      throw ExternalErrors.spawnFailed(opts.path, err);
    }
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(ExternalErrors.spawnFailed(opts.path, err)));
    });
    spawnError.catch(() => undefined);
    if (child.pid !== undefined) {
      live.add(child);
      opts.log.debug({ plugin_pid: child.pid, path: opts.path, args: opts.args ?? [] }, 'Plugin process started');
    }
    const proc = new PluginProcess(child, opts.log);

    const stderr = new StderrForwarder(opts.log);
    let lastStderr = '';
    const stderrDone = new Promise<void>((resolve) => {
      const rl = createInterface({ input: child.stderr! });
      rl.on('line', (l) => {
        if (l.trim() !== '') lastStderr = l.trim();
        stderr.line(l);
      });
      rl.once('close', () => resolve());
    });

    let onLine: ((line: string) => void) | undefined;
    const firstLine = new Promise<string>((resolve) => {
      onLine = resolve;
    });
    let sawHandshake = false;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (!sawHandshake) {
        sawHandshake = true;
        onLine!(l);
      } else if (l.trim() !== '') {
        opts.log.debug({ stream: 'stdout' }, l);
      }
    });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(ExternalErrors.handshakeTimeout(opts.startTimeoutMs)), opts.startTimeoutMs);
    });
    const exitedFirst = proc.exited.then(async () => {
      // Let the last stderr lines arrive: they usually say why.
      await Promise.race([stderrDone, new Promise((r) => setTimeout(r, 200))]);
      const how = proc.exitInfo ?? 'unknown';
      throw ExternalErrors.exitedBeforeHandshake(lastStderr ? `${how}; last stderr line: ${JSON.stringify(lastStderr.slice(0, 300))}` : how);
    });
    try {
      const line = await Promise.race([firstLine, timeout, exitedFirst, spawnError]);
      const handshake = parseHandshakeLine(line);
      opts.log.debug({ plugin_pid: proc.pid, network: handshake.network, address: handshake.address }, 'Plugin handshake received');
      return { proc, handshake };
    } catch (err) {
      await proc.kill();
      throw err;
    } finally {
      clearTimeout(timer);
      exitedFirst.catch(() => undefined);
    }
  }

  /** Logs the process's end at error level unless `expected`. */
  logExit(expected: () => boolean): void {
    this.onExit((how) => {
      if (expected()) this.log.debug({ plugin_pid: this.pid, how }, 'Plugin process exited');
      else this.log.error({ plugin_pid: this.pid, how }, 'Plugin process exited unexpectedly');
    });
  }
}
