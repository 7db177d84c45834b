import { printHclSyntax } from './hcl/printer.js';
import { parseJsonSyntax } from './hcl/syntax-json.js';
import { parseHclSyntax, type SynItem, type SynNode } from './hcl/syntax.js';
import { looksLikeJson } from './parse-text.js';

/** The key of pluginDataTexts' map for a plugin. */
export function pluginKey(type: string, name: string): string {
  return `${type}\u0000${name}`;
}

/**
 * For every plugin declared in a server config text that has `plugin_data`, the text SPIRE sends
 * to the plugin as `hcl_configuration`: the `plugin_data` value printed by HCL 1's printer (see
 * printHclSyntax). A block's members are printed without the braces; a string is printed as
 * written, quotes included; an empty block is the empty string. A JSON config is printed from
 * the tree HCL 1's JSON reader builds (see parseJsonSyntax). Keyed by pluginKey(type, name).
 *
 * Plugins without `plugin_data` are absent (plugin_data_file is sent as the file's text). `text`
 * must be the text the config reader accepted (after `-expandEnv`). Throws ConfigSyntaxError
 * only for text the config reader would refuse too. Pure.
 */
export function pluginDataTexts(text: string, filename: string): Map<string, string> {
  const root = looksLikeJson(text, filename) ? parseJsonSyntax(text, filename) : parseHclSyntax(text, filename);
  const out = new Map<string, string>();
  // SPIRE reads one plugins node; this reader accepts several blocks, so each is searched.
  for (const plugins of fieldNodes(root, 'plugins')) {
    if (!Array.isArray(plugins)) continue;
    for (const p of declarations(plugins, [])) {
      const data = fieldNodes(p.body, 'plugin_data').pop();
      if (data !== undefined) out.set(pluginKey(p.type, p.name), printHclSyntax(data));
    }
  }
  return out;
}

type FieldNode = SynItem[] | SynNode;

/**
 * The values of member `name` in a member list, as HCL 1 decodes an `ast.Node` field: members
 * with more keys after `name` (`name "x" { }`) give one list of those members, stripped of
 * `name`; then each plain `name` member gives its value, a block as its list of members. The
 * last one is what SPIRE uses.
 */
function fieldNodes(items: SynItem[], name: string): FieldNode[] {
  const matching = items.filter((it) => it.keys[0]?.value === name);
  const out: FieldNode[] = [];
  const prefixed = matching.filter((it) => it.keys.length > 1).map((it) => ({ ...it, keys: it.keys.slice(1) }));
  if (prefixed.length > 0) out.push(prefixed);
  for (const it of matching) {
    if (it.keys.length !== 1) continue;
    out.push(it.val.kind === 'object' ? it.val.items : it.val);
  }
  return out;
}

interface Declaration {
  type: string;
  name: string;
  body: SynItem[];
}

/**
 * The plugin declarations in the plugins member list, found as SPIRE finds them: the first two
 * keys met on the way down, however they are split between nested members
 * (`T "n" { }`, `T { n { } }`, `T "n" plugin_data { }`, and JSON's flattened forms).
 */
function declarations(items: SynItem[], outer: string[]): Declaration[] {
  const out: Declaration[] = [];
  for (const it of items) {
    const keys = [...outer, ...it.keys.map((k) => k.value)];
    if (keys.length >= 2) {
      const rest = it.keys.slice(2 - outer.length);
      const body = rest.length > 0 ? [{ ...it, keys: rest }] : it.val.kind === 'object' ? it.val.items : [];
      out.push({ type: keys[0]!, name: keys[1]!, body });
      continue;
    }
    out.push(...inner(it.val, keys));
  }
  return out;
}

function inner(n: SynNode, keys: string[]): Declaration[] {
  if (n.kind === 'object') return declarations(n.items, keys);
  if (n.kind === 'list') return n.items.flatMap((x) => inner(x, keys));
  return [];
}
