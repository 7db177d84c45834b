import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The programs the swtpm harness runs. */
export const SWTPM_TOOLS = ['swtpm', 'swtpm_setup', 'swtpm_localca', 'tpm2_createek', 'tpm2_makecredential'] as const;

/** Whether swtpm, swtpm-tools and tpm2-tools are on PATH; `missing` names what is not. */
export function swtpmAvailability(): { available: boolean; missing: string[] } {
  const missing = SWTPM_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  return { available: missing.length === 0, missing: [...missing] };
}

/**
 * For swtpm-backed tests: returns a skip reason when the tools are missing, or undefined when
 * they are present. Throws when they are missing and SPIRE_TEST_REQUIRE_SWTPM=1 (CI), so a
 * missing swtpm fails there instead of skipping.
 */
export function swtpmSkipReason(): string | undefined {
  const { available, missing } = swtpmAvailability();
  if (available) return undefined;
  const reason = `swtpm/tpm2-tools not installed (missing: ${missing.join(', ')}); install swtpm swtpm-tools tpm2-tools libtss2-tcti-swtpm0`;
  if (process.env['SPIRE_TEST_REQUIRE_SWTPM'] === '1') throw new Error(`SPIRE_TEST_REQUIRE_SWTPM=1 but ${reason}`);
  return reason;
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}

// The swtpm TCTI always finds the control channel on the server port + 1.
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await listenOn(0);
    if (port !== undefined && port < 65535 && (await listenOn(port + 1)) !== undefined) return port;
  }
  throw new Error('no two consecutive free loopback ports');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Runs a program and resolves with its stdout; rejects with its stderr when it fails or times out. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, cwd, timeout: timeoutMs, encoding: 'buffer', maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}

/**
 * A software TPM for tests: `swtpm_setup` manufactures it with an RSA EK certificate issued by a
 * local CA kept in the TPM's own temp directory (never /var/lib/swtpm-localca), then `swtpm socket`
 * serves it on two free loopback ports. `tool()` runs a tpm2-tools command against it and flushes
 * transient objects afterwards (there is no resource manager). Call `stop()` once done; it is safe
 * to call twice.
 */
export class Swtpm {
  private proc: ChildProcess | undefined;

  private constructor(
    /** The temp directory holding the TPM state, its local CA and every file the tools write. */
    readonly dir: string,
    /** The PEM bundle of the local CA that issued the EK certificate (issuer then root). */
    readonly endorsementCaPem: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Manufactures and starts a TPM. Rejects when a tool fails. */
  static async start(): Promise<Swtpm> {
    const dir = mkdtempSync(join(tmpdir(), 'swtpm-'));
    try {
      const ca = join(dir, 'localca');
      const state = join(dir, 'state');
      writeFileSync(join(dir, 'localca.conf'), `statedir = ${ca}\nsigningkey = ${ca}/signkey.pem\nissuercert = ${ca}/issuercert.pem\ncertserial = ${ca}/certserial\n`);
      writeFileSync(join(dir, 'localca.options'), '');
      writeFileSync(
        join(dir, 'swtpm_setup.conf'),
        `create_certs_tool = swtpm_localca\ncreate_certs_tool_config = ${dir}/localca.conf\ncreate_certs_tool_options = ${dir}/localca.options\nactive_pcr_banks = sha256\n`,
      );
      mkdirSync(ca);
      mkdirSync(state);
      await run('swtpm_setup', ['--tpm2', '--tpmstate', state, '--create-ek-cert', '--overwrite', '--config', join(dir, 'swtpm_setup.conf')], process.env, dir, 120_000);
      const pem = readFileSync(join(ca, 'issuercert.pem'), 'utf8') + readFileSync(join(ca, 'swtpm-localca-rootca-cert.pem'), 'utf8');
      const server = await freePortPair();
      const ctrl = server + 1;
      const env = { ...process.env, TPM2TOOLS_TCTI: `swtpm:host=127.0.0.1,port=${server}` };
      const tpm = new Swtpm(dir, pem, env);
      tpm.proc = spawn(
        'swtpm',
        ['socket', '--tpm2', '--tpmstate', `dir=${state}`, '--server', `type=tcp,port=${server},bindaddr=127.0.0.1`,
          '--ctrl', `type=tcp,port=${ctrl},bindaddr=127.0.0.1`, '--flags', 'not-need-init,startup-clear'],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while (!(await canConnect(server))) {
        if (tpm.proc.exitCode !== null || Date.now() > deadline) {
          tpm.stop();
          throw new Error(`swtpm did not start on port ${server}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return tpm;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Runs one tpm2-tools command in `dir`, then flushes transient objects. Resolves with its stdout. */
  async tool(name: string, ...args: string[]): Promise<Buffer> {
    const out = await run(name, args, this.env, this.dir);
    await run('tpm2_flushcontext', ['-t'], this.env, this.dir);
    return out;
  }

  /** Stops swtpm (the process this harness started) and removes the directory. Safe to call twice. */
  stop(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGTERM');
    this.proc = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
