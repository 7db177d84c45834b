import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveBindAddress, type BindAddressLookup } from './bind-address.js';
import { decodeHcl } from './hcl/decode.js';
import { optionName, type ConfigProblem } from './problem.js';
import { expandEnv } from './expand-env.js';
import { readConsole } from './console-section.js';
import { readHealthChecks } from './health-checks-section.js';
import { parseConfigAst } from './parse-text.js';
import { pluginDataTexts } from './plugin-data-text.js';
import { readPlugins } from './plugins-section.js';
import { SectionReader, type ReadContext } from './section-reader.js';
import { readServerSection } from './server-section.js';
import { ConfigSyntaxError } from './syntax-error.js';
import { readTelemetry } from './telemetry-section.js';
import type { RunFlags, ServerConfig } from './types.js';

/** SPIRE's default for `-config`. */
export const DEFAULT_CONFIG_PATH = 'conf/server/server.conf';

/** What loading a config gives: the config when there are no problems, and SPIRE's warnings. */
export interface LoadResult {
  config?: ServerConfig;
  problems: ConfigProblem[];
  /** Things SPIRE logs as warnings (TTLs that cannot be honoured, deprecated options, ...). */
  warnings: ConfigProblem[];
}

/** Flag name -> server option, for the flags that override the file. */
const FLAG_OPTIONS: [keyof RunFlags, string, string][] = [
  ['bindAddress', 'bind_address', 'bindAddress'],
  ['serverPort', 'bind_port', 'serverPort'],
  ['dataDir', 'data_dir', 'dataDir'],
  ['logFile', 'log_file', 'logFile'],
  ['logFormat', 'log_format', 'logFormat'],
  ['logLevel', 'log_level', 'logLevel'],
  ['logSourceLocation', 'log_source_location', 'logSourceLocation'],
  ['socketPath', 'socket_path', 'socketPath'],
  ['trustDomain', 'trust_domain', 'trustDomain'],
];


/** Sorts by line (stable); problems without a line (flags, missing sections) come last. */
function inFileOrder(list: ConfigProblem[]): ConfigProblem[] {
  return list
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map((x) => x.p);
}

/** Options of parseServerConfigText. */
export interface ParseOptions {
  filename: string;
  flags?: RunFlags;
  expandEnv?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Parses the text of a server.conf (HCL or JSON), applies flag overrides (a flag that is set and
 * not empty/zero/false wins over the file, as SPIRE's merge does), applies SPIRE's defaults and
 * validates. Every problem is returned at once, each naming its option; `config` is set only when
 * there are none. Relative paths resolve against `cwd` (default: the process's).
 *
 * A bind_address that is a host name is kept as written: only loadServerConfig resolves it.
 * Never throws for bad input. Reads `plugin_data_file` files synchronously. Safe to call again.
 */
export function parseServerConfigText(text: string, opts: ParseOptions): LoadResult {
  return readConfigText(text, opts).result;
}

/** parseServerConfigText, and the bind_address host name still to be resolved, if any. */
function readConfigText(text: string, opts: ParseOptions): { result: LoadResult; lookup?: BindAddressLookup } {
  let lookup: BindAddressLookup | undefined;
  const result = readConfig(text, opts, (l) => (lookup = l));
  return lookup ? { result, lookup } : { result };
}

function readConfig(text: string, opts: ParseOptions, lookupLater: (l: BindAddressLookup) => void): LoadResult {
  const ctx: ReadContext = { file: opts.filename, problems: [], warnings: [] };
  const cwd = opts.cwd ?? process.cwd();
  const source = opts.expandEnv || opts.flags?.expandEnv ? expandEnv(text, opts.env ?? process.env) : text;

  let root: Record<string, unknown>;
  let dataTexts: Map<string, string>;
  try {
    const decoded = decodeHcl(parseConfigAst(source, opts.filename));
    root = decoded.value;
    dataTexts = pluginDataTexts(source, opts.filename);
    for (const p of decoded.problems) {
      ctx.problems.push({ option: optionName(p.path), message: p.message, file: opts.filename, line: p.pos.line });
    }
  } catch (err) {
    if (!(err instanceof ConfigSyntaxError)) throw err;
    return {
      problems: [{ option: '', message: err.detail, file: err.file, line: err.line, column: err.column }],
      warnings: [],
    };
  }

  const top = new SectionReader(ctx, root, []);
  // The server block, with flags merged over it.
  let serverR = top.block('server');
  if (!serverR && !top.has('server')) serverR = new SectionReader(ctx, {}, ['server']);
  let server: ServerConfig['server'] | undefined;
  if (serverR) {
    const flagSources = new Map<string, string>();
    const merged: Record<string, unknown> = serverR.data;
    for (const [flag, option, flagName] of FLAG_OPTIONS) {
      const v = opts.flags?.[flag];
      if (v === undefined || v === '' || v === 0 || v === false) continue;
      merged[option] = v;
      flagSources.set(option, flagName);
    }
    const withFlags = new SectionReader(ctx, merged, ['server'], serverR.pos, flagSources);
    server = readServerSection(withFlags, cwd, lookupLater);
  }

  if (!top.has('plugins')) top.problem('plugins', 'plugins section must be configured');
  const pluginBlocks = top.blockList('plugins').map((b) => new SectionReader(ctx, b.data, ['plugins'], b.pos));
  const plugins = readPlugins(pluginBlocks, cwd, dataTexts);
  const telemetry = readTelemetry(top.block('telemetry'));
  const healthChecks = readHealthChecks(top.block('health_checks'));
  const consoleCfg = readConsole(top.block('console'), cwd);
  top.finish();

  const problems = inFileOrder(ctx.problems);
  const warnings = inFileOrder(ctx.warnings);
  if (problems.length > 0 || !server) return { problems, warnings };
  return { config: { server, plugins, telemetry, healthChecks, ...(consoleCfg ? { console: consoleCfg } : {}) }, problems: [], warnings };
}

/**
 * Reads the config file at `path` (relative to `cwd`; when empty, `flags.config`, then
 * conf/server/server.conf) and does what parseServerConfigText does; then resolves a bind_address
 * host name to the address the server listens on (its first IPv4 address, else its first). A name
 * that does not resolve is a problem of `server.bind_address`, reported with the others.
 * A missing or unreadable file is a problem, as SPIRE words it. Never throws for bad input.
 * The config records where it came from (`source`), so that it can be read again the same way.
 */
export async function loadServerConfig(opts: { path: string; flags?: RunFlags; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const path = opts.path || opts.flags?.config || DEFAULT_CONFIG_PATH;
  const abs = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `could not find config file ${abs}: please use the -config flag`
        : `unable to read configuration at ${JSON.stringify(path)}: ${(err as Error).message}`;
    return { problems: [{ option: '', message }], warnings: [] };
  }
  const { result, lookup } = readConfigText(text, {
    filename: path,
    cwd,
    ...(opts.flags ? { flags: opts.flags } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (result.config) {
    result.config.source = { path, cwd, text, ...(opts.flags ? { flags: opts.flags } : {}), ...(opts.env ? { env: opts.env } : {}) };
  }
  if (!lookup) return result;
  // Resolved here, before run writes anything, as SPIRE resolves it while building its config.
  const resolved = await resolveBindAddress(lookup.raw, lookup.port);
  if ('problem' in resolved) return { problems: inFileOrder([...result.problems, lookup.problem(resolved.problem)]), warnings: result.warnings };
  if (result.config) result.config.server.bindAddress = resolved.address;
  return result;
}

