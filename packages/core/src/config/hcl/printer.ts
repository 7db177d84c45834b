import { itemLine, type SynItem, type SynList, type SynLiteral, type SynNode, type SynObject } from './syntax.js';

/**
 * Prints a piece of the HCL 1-shaped syntax tree as Go's HCL 1 printer does in its default
 * configuration (two-space indent), which is how SPIRE turns a `plugin_data` block into the
 * `hcl_configuration` it sends to plugins. The layout rules, all from that printer:
 * - members of the printed list are separated by a blank line, except consecutive empty
 *   unassigned blocks (`a {}`) on consecutive lines;
 * - inside braces, runs of one-line members on consecutive source lines are aligned on `=` and
 *   their line comments; other members get a blank line before them;
 * - lists stay on one line when written on one line with only literals, else one element a line
 *   with a trailing comma;
 * - tokens (keys, strings, numbers, heredocs) are printed as written, with their lead and line
 *   comments; lines after the first of a heredoc or multi-line string are never indented.
 *
 * Comments that belong to no item are not printed: SPIRE prints a node, not a file, and the
 * printer only knows a file's free-standing comments. Pure.
 */
export function printHclSyntax(n: SynItem[] | SynNode): string {
  return unindent(Array.isArray(n) ? printItems(n) : output(n));
}

/** Marks the start of a line that must not be indented (a private-use character, as HCL 1 uses). */
const NO_INDENT = '\uE123';

/** Lengths are in bytes of UTF-8, as Go's `len` counts them. */
function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function output(n: SynNode): string {
  switch (n.kind) {
    case 'literal':
      return literal(n);
    case 'list':
      return list(n);
    case 'object':
      return objectType(n);
  }
}

function printItems(items: SynItem[]): string {
  let out = '';
  items.forEach((cur, i) => {
    out += objectItem(cur);
    const next = items[i + 1];
    if (!next) return;
    out += '\n';
    if (itemLine(next) !== itemLine(cur) + 1 || !isSingleLineObject(next) || !isSingleLineObject(cur)) out += '\n';
  });
  return out;
}

function literal(l: SynLiteral): string {
  if (l.type === 'heredoc' || (l.type === 'string' && l.raw.includes('\n'))) return heredocIndent(l.raw);
  return l.raw;
}

function objectItem(o: SynItem): string {
  let out = '';
  for (const c of o.lead ?? []) out += c.text + '\n';
  const keyLine = itemLine(o);
  // A line comment of an item whose value starts on a later line is printed like a lead comment.
  if (o.lineComment && o.val.line !== keyLine) for (const c of o.lineComment) out += c.text + '\n';
  o.keys.forEach((k, i) => {
    out += k.raw + ' ';
    if (o.assign && i === o.keys.length - 1 && o.keys.length === 1) out += '= ';
  });
  out += output(o.val);
  if (o.lineComment && o.val.line === keyLine) out += ' ' + o.lineComment.map((c) => c.text).join('');
  return out;
}

function objectType(o: SynObject): string {
  let out = '{';
  const items = o.items;
  let index = 0;
  let opened = false;
  while (index < items.length) {
    if (!opened) {
      out += '\n';
      opened = true;
    }
    // A run of adjacent one-line members is aligned together.
    const aligned: SynItem[] = [];
    for (const item of items.slice(index)) {
      if (items.length === 1) break;
      if (lines(objectItem(item)) > 2) break;
      const cur = itemLine(item);
      const next = index !== items.length - 1 ? itemLine(items[index + 1]!) : 0;
      const prev = index !== 0 ? itemLine(items[index - 1]!) : 0;
      if (cur + 1 === next) {
        aligned.push(item);
        index++;
        continue;
      }
      if (cur - 1 === prev) {
        aligned.push(item);
        index++;
        if (cur + 1 !== next) break;
        continue;
      }
      break;
    }
    if (index !== aligned.length) out += '\n';
    if (aligned.length >= 1) {
      out += indent(alignedItems(aligned));
    } else {
      out += indent(objectItem(items[index]!));
      index++;
    }
    out += '\n';
  }
  return out + '}';
}

function alignedItems(items: SynItem[]): string {
  let longestKey = 0;
  let longestVal = 0;
  for (const item of items) {
    longestKey = Math.max(longestKey, byteLen(item.keys[0]!.raw));
    longestVal = Math.max(longestVal, byteLen(output(item.val)));
  }
  let out = '';
  items.forEach((item, i) => {
    for (const c of item.lead ?? []) out += c.text + '\n';
    item.keys.forEach((k, ki) => {
      out += k.raw + ' '.repeat(Math.max(0, longestKey - byteLen(k.raw) + 1));
      if (ki === item.keys.length - 1 && item.keys.length === 1) out += '= ';
    });
    const val = output(item.val);
    out += val;
    if (item.val.line === itemLine(item) && item.lineComment) {
      out += ' '.repeat(Math.max(0, longestVal - byteLen(val) + 1));
      out += item.lineComment.map((c) => c.text).join('');
    }
    if (i !== items.length - 1) out += '\n';
  });
  return out;
}

/** The length HCL 1 gives a literal's token: a heredoc's token also holds the newline after its anchor. */
function tokenLen(l: SynLiteral): number {
  return byteLen(l.raw) + (l.type === 'heredoc' ? 1 : 0);
}

function list(l: SynList): string {
  if (isSingleLineList(l)) return singleLineList(l);
  let longest = 0;
  for (const item of l.items) if (item.kind === 'literal') longest = Math.max(longest, tokenLen(item));
  let out = '[\n';
  let haveEmptyLine = false;
  l.items.forEach((item, i) => {
    const lit = item.kind === 'literal' ? item : undefined;
    const lead = lit?.lead !== undefined;
    if (lit?.lead) {
      // A blank line before every element with a lead comment, except the first.
      if (!haveEmptyLine && i !== 0) out += '\n';
      for (const c of lit.lead) out += indent(c.text) + '\n';
    }
    const val = output(item);
    out += indent(val);
    // A heredoc's comma goes on the next line.
    out += lit?.type === 'heredoc' ? '\n' + indent(',') : ',';
    if (lit?.lineComment) {
      out += ' ' + ' '.repeat(Math.max(0, longest - byteLen(val)));
      out += lit.lineComment.map((c) => c.text).join('');
    }
    out += '\n';
    haveEmptyLine = lead && i !== l.items.length - 1;
    if (haveEmptyLine) out += '\n';
  });
  return out + ']';
}

function isSingleLineList(l: SynList): boolean {
  return l.items.every(
    (item) =>
      item.line === l.line &&
      item.kind === 'literal' &&
      (item.type !== 'heredoc' || l.items.length === 1) &&
      item.lineComment === undefined,
  );
}

function singleLineList(l: SynList): string {
  let out = '[';
  l.items.forEach((item, i) => {
    if (i !== 0) out += ', ';
    out += output(item);
    // A heredoc's closing anchor must end its line.
    if (item.kind === 'literal' && item.type === 'heredoc') out += '\n';
  });
  return out + ']';
}

/** Indents every non-empty line by two spaces. */
function indent(s: string): string {
  return s.replace(/^(?=[^\n])/gm, '  ');
}

/** Removes the indentation in front of every no-indent mark, and the marks. */
function unindent(s: string): string {
  return s.replace(new RegExp(`[^\\n]*${NO_INDENT}`, 'g'), '');
}

/** Marks lines 2 and on so that they are not indented. */
function heredocIndent(s: string): string {
  return s.replace(/\n(?=[^\n])/g, `\n${NO_INDENT}`);
}

/** An empty, unassigned block with no lead comment (`a {}`): such blocks may share adjacent lines. */
function isSingleLineObject(item: SynItem): boolean {
  if (item.lead || item.assign) return false;
  return item.val.kind === 'object' && item.val.items.length === 0;
}

function lines(s: string): number {
  return s.split('\n').length;
}
