import type { HclObject, HclValue } from './hcl/ast.js';
import { parseHclAst } from './hcl/parser.js';
import { optionName } from './problem.js';

/** One block on the way to a key: its name and labels (`profile "https_web"`). */
export interface BlockStep {
  name: string;
  labels: string[];
}

/** A key written in a sample config (active or in a commented sample), with its value. */
export interface SampleKey {
  /** The blocks around the key, outermost first. */
  trail: BlockStep[];
  /** The key itself; a leaf block (`plugin_data { }`, an empty `profile "x" {}`) keeps its labels. */
  leaf: BlockStep;
  /** The value as written (an object for a leaf block). */
  value: HclValue;
  /** The key's option name as problems name it, e.g. `server.ratelimit.signing`. */
  option: string;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_-]*';
const OPENER = new RegExp(`^${IDENT}(\\s+"[^"]*")*\\s*\\{\\s*$`);
const ASSIGN = new RegExp(`^${IDENT}\\s*=\\s*\\S`);
/** A list written over several lines: `Statsd = [` … `]`. */
const LIST_OPENER = new RegExp(`^${IDENT}\\s*=\\s*\\[\\s*$`);

/**
 * Removes one level of `# ` from every commented sample: a commented `key = value` line, a
 * commented `name "label" {` line and the lines up to its `# }` at the same indentation, or a
 * commented `key = [` line and the lines up to its `# ]`. Prose
 * comments (`# key: what it does`, indented examples) are left alone. Returns the new lines and
 * whether anything changed.
 */
function uncommentOnce(lines: readonly string[]): { lines: string[]; changed: boolean } {
  const out: string[] = [];
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^(\s*)# (.*)$/.exec(line);
    const list = m !== null && LIST_OPENER.test(m[2]!);
    if (m && (OPENER.test(m[2]!) || list)) {
      const indent = m[1]!;
      const closer = `${indent}# ${list ? ']' : '}'}`;
      let j = i;
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        if (!l.startsWith(`${indent}#`)) throw new Error(`commented block at line ${i + 1} is not closed by "${closer}"`);
        out.push(indent + l.slice(indent.length + 2));
        if (l === closer) break;
      }
      i = j;
      changed = true;
    } else if (m && ASSIGN.test(m[2]!)) {
      out.push(m[1]! + m[2]!);
      changed = true;
    } else {
      out.push(line);
    }
  }
  return { lines: out, changed };
}

/** The sample with every commented sample, at every depth, uncommented. */
export function uncommentAll(text: string): string {
  let lines = text.split('\n');
  for (;;) {
    const r = uncommentOnce(lines);
    lines = r.lines;
    if (!r.changed) return lines.join('\n');
  }
}

function walk(obj: HclObject, trail: BlockStep[], out: SampleKey[]): void {
  for (const item of obj.items) {
    const [name, ...labels] = item.keys.map((k) => k.name);
    const step: BlockStep = { name: name!, labels };
    const v = item.value;
    // plugin_data is the plugin's business; an empty block is a key of its own.
    if (v.kind === 'object' && name !== 'plugin_data' && v.items.length > 0) walk(v, [...trail, step], out);
    else out.push({ trail, leaf: step, value: v, option: optionName([...trail, step].flatMap((s) => [s.name, ...s.labels])) });
  }
}

/**
 * Every key of a sample config, active or commented out, in file order. Throws when a commented
 * sample does not parse once uncommented.
 */
export function sampleKeys(text: string, filename: string): SampleKey[] {
  const out: SampleKey[] = [];
  walk(parseHclAst(uncommentAll(text), filename), [], out);
  return out;
}

/** A config tree being assembled from keys. */
interface Node {
  items: { step: BlockStep; value: HclValue | Node }[];
}

function isNode(v: HclValue | Node): v is Node {
  return !('kind' in v);
}

function toNode(obj: HclObject): Node {
  return {
    items: obj.items.map((item) => {
      const [name, ...labels] = item.keys.map((k) => k.name);
      return { step: { name: name!, labels }, value: item.value.kind === 'object' ? toNode(item.value) : item.value };
    }),
  };
}

const same = (a: BlockStep, b: BlockStep): boolean => a.name === b.name && a.labels.join('\0') === b.labels.join('\0');

/** The block of `step` in `node`, created when missing. */
function child(node: Node, step: BlockStep): Node {
  const found = node.items.find((i) => same(i.step, step));
  if (found && isNode(found.value)) return found.value;
  const created: Node = { items: [] };
  if (found) found.value = created;
  else node.items.push({ step, value: created });
  return created;
}

function put(root: Node, trail: readonly BlockStep[], leaf: BlockStep, value: HclValue | undefined): void {
  let node = root;
  for (const s of trail) node = child(node, s);
  if (value === undefined) return;
  const existing = node.items.find((i) => same(i.step, leaf));
  if (existing) existing.value = value;
  else node.items.push({ step: leaf, value });
}

function renderValue(v: HclValue): string {
  switch (v.kind) {
    case 'string':
      return JSON.stringify(v.value);
    case 'number':
      return String(v.value);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'list':
      return `[${v.items.map(renderValue).join(', ')}]`;
    case 'object':
      return `{\n${renderNode(toNode(v))}}`;
  }
}

function renderNode(n: Node): string {
  return n.items
    .map(({ step, value }) => {
      const head = [step.name, ...step.labels.map((l) => JSON.stringify(l))].join(' ');
      if (isNode(value)) return `${head} {\n${renderNode(value)}}\n`;
      if (value.kind === 'object') return `${head} ${renderValue(value)}\n`;
      return `${head} = ${renderValue(value)}\n`;
    })
    .join('');
}

/** Parses an HCL value written as text (`"1h"`, `["a"]`, `{ k = "v" }`). */
export function hclValue(text: string): HclValue {
  const item = parseHclAst(`v = ${text}\n`, '<value>').items[0];
  if (!item) throw new Error(`not a value: ${text}`);
  return item.value;
}

/**
 * Renders `base` (HCL text) with `keys` set in it: each key's blocks are created when missing and
 * its value replaces one already there. A key with an undefined value only creates its blocks.
 */
export function configWith(base: string, keys: readonly { key: SampleKey; value?: HclValue }[]): string {
  const root = toNode(parseHclAst(base, '<base>'));
  for (const { key, value } of keys) put(root, key.trail, key.leaf, value);
  return renderNode(root);
}
