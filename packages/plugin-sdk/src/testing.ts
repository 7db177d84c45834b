import {
  Code,
  SpireError,
  TrustDomain,
  silentLogger,
  type AnyPluginDescriptor,
  type HostServices,
  type Logger,
} from '@spire-ts/core/plugin';
import { loadPluginForTest, type LoadedTestPlugin } from '@spire-ts/core/plugin/testing';

export * from '@spire-ts/core/plugin/testing';

/**
 * Writes an executable plugin file that serves `exportName` of the module at `moduleUrl` (an
 * absolute `file:` URL, e.g. from `import.meta.resolve(...)` in the calling test) with
 * `serve()`, and returns its path. This is how a
 * built-in plugin's contract suite runs the same descriptor served externally:
 *
 * ```ts
 * const path = await writePluginExecutable(import.meta.resolve('./index.js'), 'diskKeyManager', dir);
 * const loaded = await loadPluginForTest<KeyManager>({ type: 'KeyManager', path, data: '...' });
 * ```
 *
 * Calling it twice writes a second file. Throws a TypeError for a URL that is not `file:`, and
 * when `dir` is not writable.
 */
export async function writePluginExecutable(moduleUrl: string, exportName: string, dir: string): Promise<string> {
  if (!moduleUrl.startsWith('file:')) throw new TypeError(`moduleUrl must be a file: URL, got ${JSON.stringify(moduleUrl)}`);
  const { writeFile, chmod } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const sdk = new URL('./index.js', import.meta.url).href;
  const path = join(dir, `plugin-${exportName}-${process.pid}-${Math.random().toString(16).slice(2, 10)}.mjs`);
  await writeFile(
    path,
    `#!/usr/bin/env node\n` +
      `import { serve } from ${JSON.stringify(sdk)};\n` +
      `import { ${exportName} as descriptor } from ${JSON.stringify(moduleUrl)};\n` +
      `await serve(descriptor);\n`,
  );
  await chmod(path, 0o755);
  return path;
}

/** How `startDescriptorForTest` runs a plugin: made in this process, or served by `serve()` in a child process. */
export type ServedAs = 'in-process' | 'external';

/** What `startDescriptorForTest` needs besides the descriptor. */
export interface StartDescriptorOptions {
  /** plugin_data as the server decodes a `plugin_data { }` block; default no options. */
  data?: Record<string, unknown>;
  /** Host services offered to the plugin; default none. */
  host?: HostServices;
  /** Default `example.org`. */
  trustDomain?: string;
  /** Where the server-side log goes; default silent. */
  log?: Logger;
}

/** A plugin started by `startDescriptorForTest`. */
export interface StartedTestPlugin<T> {
  /** The plugin: the instance itself in process, the catalog's prefixing wrapper when external. */
  plugin: T;
  /** When external: the loaded plugin (its process, catalog and registry). */
  loaded?: LoadedTestPlugin<T>;
  /** Closes the plugin (stops the process when external). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the descriptor exported as `exportName` by the module at `moduleUrl` (a `file:` URL,
 * e.g. `import.meta.resolve('./index.js')`) either in this process (its `parseConfig` then
 * `create`, as the catalog makes a built-in) or served externally (an executable written by
 * `writePluginExecutable` into a temporary directory, loaded by `loadPluginForTest` with
 * `plugin_data` sent as the JSON text this server sends for a `plugin_data { }` block). This is
 * how one contract harness runs a plugin both ways.
 *
 * Throws a SpireError (INVALID_ARGUMENT "invalid configuration: a; b") when `parseConfig` reports
 * problems in process, what the server would throw at start-up when external, and a TypeError
 * when the module has no descriptor under `exportName`. Each call starts a new instance (a new
 * process when external).
 */
export async function startDescriptorForTest<T = unknown>(
  servedAs: ServedAs,
  moduleUrl: string,
  exportName: string,
  opts: StartDescriptorOptions = {},
): Promise<StartedTestPlugin<T>> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const descriptor = mod[exportName] as AnyPluginDescriptor | undefined;
  if (!descriptor || typeof descriptor.create !== 'function' || typeof descriptor.parseConfig !== 'function') {
    throw new TypeError(`${moduleUrl} exports no plugin descriptor named ${exportName}`);
  }
  const trustDomain = TrustDomain.parse(opts.trustDomain ?? 'example.org');
  const data = opts.data ?? {};
  if (servedAs === 'in-process') {
    const core = { trustDomain, dataDir: process.cwd() };
    const parsed = descriptor.parseConfig(data, core);
    if (parsed.problems.length > 0 || parsed.config === undefined) {
      throw new SpireError(Code.INVALID_ARGUMENT, `invalid configuration: ${parsed.problems.join('; ')}`);
    }
    const plugin = (await descriptor.create({ config: parsed.config, log: opts.log ?? silentLogger(), ...core, host: opts.host ?? {} })) as T;
    let closed = false;
    return {
      plugin,
      close: async () => {
        if (closed) return;
        closed = true;
        await (plugin as { close?: () => unknown }).close?.();
      },
    };
  }
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'spire-plugin-exe-'));
  try {
    const path = await writePluginExecutable(moduleUrl, exportName, dir);
    const loaded = await loadPluginForTest<T>({
      type: descriptor.type,
      name: descriptor.name,
      path,
      data: Object.keys(data).length === 0 ? '' : JSON.stringify(data),
      trustDomain: trustDomain.name,
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    return {
      plugin: loaded.plugin,
      loaded,
      close: async () => {
        await loaded.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
