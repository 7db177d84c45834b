import { decodeHcl } from './hcl/decode.js';
import { parseHclAst } from './hcl/parser.js';
import { parseJsonAst } from './hcl/json.js';
import type { HclObject } from './hcl/ast.js';
import { optionName } from './problem.js';
import { ConfigSyntaxError } from './syntax-error.js';

/** True when the text is to be read as JSON: a `.json` file name, or `{` as first character. */
export function looksLikeJson(text: string, filename: string): boolean {
  return filename.toLowerCase().endsWith('.json') || /^[\s\uFEFF]*\{/.test(text);
}

/** Parses HCL or JSON (see looksLikeJson) to a syntax tree. Throws ConfigSyntaxError. */
export function parseConfigAst(text: string, filename: string): HclObject {
  return looksLikeJson(text, filename) ? parseJsonAst(text, filename) : parseHclAst(text, filename);
}

/**
 * Parses plugin data text: HCL or JSON as parseConfigAst does, except that text starting with `{`
 * (under a name not ending in `.json`) that is not valid JSON is also tried as HCL in the
 * braced block form (`{\n  key = "v"\n}`, a whole document in braces). When both
 * fail, the error of the parser that read further is thrown.
 */
function parsePluginDataAst(text: string, filename: string): HclObject {
  if (filename.toLowerCase().endsWith('.json') || !looksLikeJson(text, filename)) return parseConfigAst(text, filename);
  try {
    return parseJsonAst(text, filename);
  } catch (jsonErr) {
    try {
      return parseHclAst(text, filename);
    } catch (hclErr) {
      if (!(jsonErr instanceof ConfigSyntaxError)) throw jsonErr;
      if (!(hclErr instanceof ConfigSyntaxError)) throw hclErr;
      const [j, h] = [jsonErr, hclErr];
      const hclFurther = h.line > j.line || (h.line === j.line && h.column > j.column);
      throw hclFurther ? h : j;
    }
  }
}

/**
 * Parses an HCL (or JSON) string to plain values, with SPIRE's meaning of blocks and labels (see
 * decodeHcl). Used for a string `plugin_data`, for `plugin_data_file`, by external plugins for
 * `hcl_configuration`, and by tools. Also accepts a whole document in braces, `{ key = "v" }`.
 *
 * Throws ConfigSyntaxError naming `filename:line:col` on a syntax error, or the first key declared
 * more than once. Pure; safe to call any number of times.
 */
export function parseHcl(text: string, filename = '<input>'): Record<string, unknown> {
  const ast = parsePluginDataAst(text, filename);
  const { value, problems } = decodeHcl(ast);
  const first = problems[0];
  if (first) {
    throw new ConfigSyntaxError(`${optionName(first.path)}: ${first.message}`, filename, first.pos.line, first.pos.column);
  }
  return value;
}
