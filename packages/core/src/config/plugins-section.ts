import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyPos } from './hcl/decode.js';
import type { Pos } from './hcl/ast.js';
import { parseHcl } from './parse-text.js';
import { pluginKey } from './plugin-data-text.js';
import { SectionReader } from './section-reader.js';
import { ConfigSyntaxError } from './syntax-error.js';
import type { DeclaredPlugin } from './types.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why plugin_checksum and plugin_args are refused without plugin_cmd. */
const BUILTIN_HAS_NO_BINARY = 'applies only to an external plugin (plugin_cmd); a built-in plugin has no binary to check or start, so remove it';

interface Found {
  type: string;
  name: string;
  body: Record<string, unknown>;
  pos?: Pos;
}

/**
 * Lists `Type "name" { }` declarations. They may be written as labelled blocks, as nested blocks
 * (`Type { name { } }`), or in JSON as objects or arrays of objects.
 */
function collect(r: SectionReader, found: Found[], seen: Set<string>): void {
  const add = (type: string, name: string, body: unknown, pos: Pos | undefined): void => {
    const path = [...r.path, type, name];
    const one = Array.isArray(body) && body.length === 1 ? body[0] : body;
    if (Array.isArray(body) && body.length > 1) {
      new SectionReader(r.ctx, {}, path, keyPos(body, 1) ?? pos).problem(undefined, `plugin "${type}"/"${name}" declared more than once`);
      return;
    }
    if (!isPlainObject(one)) {
      new SectionReader(r.ctx, {}, path, pos).problem(undefined, 'expected a plugin block { ... }');
      return;
    }
    const key = `${type}\u0000${name}`;
    if (seen.has(key)) {
      new SectionReader(r.ctx, {}, path, pos).problem(undefined, `plugin "${type}"/"${name}" declared more than once`);
      return;
    }
    seen.add(key);
    found.push({ type, name, body: one, ...(pos ? { pos } : {}) });
  };
  for (const type of Object.keys(r.data)) {
    r.allow(type);
    const v = r.data[type];
    const groups = Array.isArray(v) ? v : [v];
    groups.forEach((g, gi) => {
      if (!isPlainObject(g)) {
        const p = Array.isArray(v) ? keyPos(v, gi) : r.posOf(type);
        new SectionReader(r.ctx, {}, [...r.path, type], p).problem(undefined, `expected plugin declarations (${type} "<name>" { ... })`);
        return;
      }
      for (const name of Object.keys(g)) add(type, name, g[name], keyPos(g, name));
    });
  }
}

/**
 * The plugin's data for built-ins (`data`, decoded) and for external plugins (`dataText`, what
 * SPIRE sends: plugin_data_file's text as it is, or plugin_data as printed by pluginDataTexts).
 */
function readData(
  pr: SectionReader,
  cwd: string,
  printed: string | undefined,
): { data: Record<string, unknown>; dataText: string; dataFile?: string } {
  const hasData = pr.has('plugin_data');
  const hasFile = pr.has('plugin_data_file');
  const raw = pr.raw('plugin_data');
  const file = pr.string('plugin_data_file');
  if (hasData && hasFile) {
    pr.problem('plugin_data_file', 'only one of [plugin_data, plugin_data_file] can be used');
    return { data: {}, dataText: '' };
  }
  const parseText = (text: string, origin: string, key: string): Record<string, unknown> => {
    try {
      return parseHcl(text, origin);
    } catch (err) {
      const msg =
        err instanceof ConfigSyntaxError && key === 'plugin_data'
          ? `syntax error at line ${err.line}, column ${err.column} of the string: ${err.detail}`
          : (err as Error).message;
      pr.problem(key, msg);
      return {};
    }
  };
  if (hasFile) {
    if (!file) {
      pr.problem('plugin_data_file', 'must not be empty');
      return { data: {}, dataText: '' };
    }
    const abs = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      pr.problem('plugin_data_file', `failed to read plugin configuration: ${(err as Error).message}`);
      return { data: {}, dataText: '', dataFile: abs };
    }
    return { data: parseText(text, file, 'plugin_data_file'), dataText: text, dataFile: abs };
  }
  if (raw === undefined) return { data: {}, dataText: '' };
  if (typeof raw === 'string') return { data: parseText(raw, 'plugin_data', 'plugin_data'), dataText: printed ?? '' };
  const block = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (!isPlainObject(block)) {
    pr.problem('plugin_data', 'expected a block { ... } or a string of HCL');
    return { data: {}, dataText: '' };
  }
  return { data: block, dataText: printed ?? '' };
}

/**
 * Reads `plugins { }` (one block, or several: SPIRE reads them all) into declarations in
 * config-file order. Every problem (a plugin declared
 * twice, plugin_data and plugin_data_file together, an unreadable plugin_data_file, an unknown
 * key) is recorded in the reader's context. Whether the plugin types and names exist is the
 * catalog's business (validatePlugins), not this reader's. `dataTexts` holds the printed
 * plugin_data of each plugin (see pluginDataTexts).
 */
export function readPlugins(blocks: readonly SectionReader[], cwd: string, dataTexts: ReadonlyMap<string, string>): DeclaredPlugin[] {
  const out: { plugin: DeclaredPlugin; pos?: Pos; index: number }[] = [];
  const found: Found[] = [];
  const seen = new Set<string>();
  for (const r of blocks) collect(r, found, seen);
  found.forEach((f, index) => {
    const r = blocks[0]!;
    const pr = new SectionReader(r.ctx, f.body, [...r.path, f.type, f.name], f.pos);
    const pluginCmd = pr.string('plugin_cmd') || undefined;
    const pluginArgs = pr.stringList('plugin_args') ?? [];
    const pluginChecksum = pr.string('plugin_checksum') || undefined;
    const enabled = pr.bool('enabled') ?? true;
    // Both describe the plugin_cmd binary; a built-in has none, so they would be ignored.
    if (pluginCmd === undefined) {
      if (pluginChecksum !== undefined) pr.problem('plugin_checksum', BUILTIN_HAS_NO_BINARY);
      if (pluginArgs.length > 0) pr.problem('plugin_args', BUILTIN_HAS_NO_BINARY);
    }
    const { data, dataText, dataFile } = readData(pr, cwd, dataTexts.get(pluginKey(f.type, f.name)));
    pr.finish();
    const plugin: DeclaredPlugin = {
      type: f.type,
      name: f.name,
      enabled,
      data,
      dataText,
      pluginArgs,
      ...(pluginCmd !== undefined ? { pluginCmd } : {}),
      ...(pluginChecksum !== undefined ? { pluginChecksum } : {}),
      ...(dataFile !== undefined ? { dataFile } : {}),
    };
    out.push({ plugin, index, ...(f.pos ? { pos: f.pos } : {}) });
  });
  // Labelled blocks of one type are merged when decoding; the written order comes from positions.
  out.sort((a, b) => {
    if (!a.pos || !b.pos) return a.index - b.index;
    return a.pos.line - b.pos.line || a.pos.column - b.pos.column;
  });
  return out.map((o) => o.plugin);
}
