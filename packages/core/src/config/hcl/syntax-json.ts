import { parseJsonAst } from './json.js';
import type { HclItem, HclValue } from './ast.js';
import type { SynItem, SynNode, SynObject } from './syntax.js';

/**
 * Reads a JSON config into the HCL 1-shaped syntax tree as HCL 1's JSON reader builds it, which is
 * what SPIRE prints `plugin_data` from when server.conf is JSON:
 * - keys and strings keep their JSON text (quotes and escapes), `null` becomes an empty string,
 *   and `true`/`false` inside arrays are dropped (HCL 1 skips them);
 * - no token has a position (line 0), and every member counts as assigned;
 * - objects are flattened as HCL 1 does: a member whose object holds only objects becomes one
 *   member per inner key, with the keys joined (`"a": {"b": {...}}` is `"a" "b" {...}`), and a
 *   member holding an array of objects becomes one member per object.
 *
 * Throws ConfigSyntaxError as parseJsonAst does.
 */
export function parseJsonSyntax(text: string, file: string): SynItem[] {
  const root = parseJsonAst(text, file);
  return flatten(root.items.map(item));
}

function item(i: HclItem): SynItem {
  const k = i.keys[0]!;
  return { keys: [{ raw: k.raw ?? JSON.stringify(k.name), value: k.name, line: 0 }], assign: true, val: node(i.value) };
}

function node(v: HclValue): SynNode {
  switch (v.kind) {
    case 'object':
      return { kind: 'object', items: v.items.map(item), line: 0 };
    case 'list': {
      // HCL 1's JSON list reader ignores booleans.
      const kept = v.items.filter((x) => x.kind !== 'bool');
      return { kind: 'list', items: kept.map(node), line: 0 };
    }
    case 'string':
      return { kind: 'literal', type: 'string', raw: v.raw ?? JSON.stringify(v.value), line: 0 };
    case 'number':
      return { kind: 'literal', type: 'number', raw: v.raw ?? String(v.value), line: 0 };
    case 'bool':
      return { kind: 'literal', type: 'bool', raw: String(v.value), line: 0 };
    case 'null':
      return { kind: 'literal', type: 'string', raw: '', line: 0 };
  }
}

/** Flattens every member list in the tree, outermost first, as HCL 1's flattenObjects does. */
function flatten(items: SynItem[]): SynItem[] {
  const out = items.flatMap(expand);
  for (const it of out) walk(it.val);
  return out;
}

function walk(n: SynNode): void {
  if (n.kind === 'object') n.items = flatten(n.items);
  else if (n.kind === 'list') n.items.forEach(walk);
}

function isObject(n: SynNode): n is SynObject {
  return n.kind === 'object';
}

function expand(it: SynItem): SynItem[] {
  const v = it.val;
  if (v.kind === 'object' && v.items.length > 0 && v.items.every((s) => isObject(s.val))) {
    return v.items.flatMap((s) => expand({ ...it, keys: [...it.keys, ...s.keys], val: s.val }));
  }
  if (v.kind === 'list' && v.items.length > 0 && v.items.every(isObject)) {
    return v.items.flatMap((e) => expand({ ...it, val: e }));
  }
  return [it];
}
