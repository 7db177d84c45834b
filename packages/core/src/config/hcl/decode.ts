import type { HclItem, HclObject, HclValue, Pos } from './ast.js';

/** A problem found while turning the tree into plain values (a key declared twice). */
export interface DecodeProblem {
  path: (string | number)[];
  message: string;
  pos: Pos;
}

const POSITIONS = new WeakMap<object, Map<string | number, Pos>>();
const LABELLED = new WeakSet<object>();
const REPEATED = new WeakSet<object>();

/**
 * Where the key `key` of a decoded object (or element `key` of a decoded array) was written, when
 * the object came from decodeHcl. Returns undefined for objects built elsewhere.
 */
export function keyPos(container: object, key: string | number): Pos | undefined {
  return POSITIONS.get(container)?.get(key);
}

function remember(container: object, key: string | number, pos: Pos): void {
  let m = POSITIONS.get(container);
  if (!m) POSITIONS.set(container, (m = new Map()));
  m.set(key, pos);
}

/**
 * Turns a parsed tree into plain values with SPIRE's meaning:
 * - a block or object becomes an object; a list an array;
 * - labelled blocks nest by label: `KeyManager "disk" { }` is `{ KeyManager: { disk: {} } }`,
 *   and blocks with the same name and different labels merge;
 * - the same labelled block twice, or the same plain key twice, is a problem ("declared more than
 *   once"); the same unlabelled block repeated becomes an array of objects (as HCL1 decodes
 *   repeated blocks, e.g. several `Statsd { }`).
 *
 * Positions of keys are kept and can be asked with keyPos. Never throws.
 */
export function decodeHcl(root: HclObject): { value: Record<string, unknown>; problems: DecodeProblem[] } {
  const problems: DecodeProblem[] = [];
  const value = decodeItems(root.items, [], problems);
  return { value, problems };
}

function decodeItems(items: HclItem[], path: (string | number)[], problems: DecodeProblem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) insert(out, item, 0, path, problems);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function insert(
  target: Record<string, unknown>,
  item: HclItem,
  depth: number,
  path: (string | number)[],
  problems: DecodeProblem[],
): void {
  const key = item.keys[depth]!;
  const here = [...path, key.name];
  const existing = Object.prototype.hasOwnProperty.call(target, key.name) ? target[key.name] : undefined;
  const labelled = item.keys.length > 1;
  const dup = (): void => {
    problems.push({ path: here, message: 'declared more than once', pos: key.pos });
  };

  if (depth < item.keys.length - 1) {
    // A block name or label with more labels after it: a container keyed by the next label.
    let container: Record<string, unknown>;
    if (existing === undefined) {
      container = {};
      LABELLED.add(container);
      define(target, key.name, container);
      remember(target, key.name, key.pos);
    } else if (isPlainObject(existing)) {
      // `name { label { } }` written before `name "label2" { }`: the same container.
      container = existing;
      LABELLED.add(container);
    } else {
      dup();
      return;
    }
    insert(container, item, depth + 1, here, problems);
    return;
  }

  const v = decodeValue(item.value, here, problems);
  if (existing === undefined) {
    define(target, key.name, v);
    remember(target, key.name, key.pos);
    return;
  }
  // The same unlabelled block again: collect the blocks in an array, in file order.
  const isBlock = item.value.kind === 'object' && !labelled;
  if (isBlock && isPlainObject(existing) && !LABELLED.has(existing)) {
    const arr = [existing, v];
    REPEATED.add(arr);
    const firstPos = keyPos(target, key.name)!;
    remember(arr, 0, firstPos);
    remember(arr, 1, key.pos);
    define(target, key.name, arr);
    return;
  }
  if (isBlock && isPlainObject(existing) && LABELLED.has(existing) && isPlainObject(v)) {
    // `name "label" { }` then `name { label2 { } }`: merge into the labelled container.
    for (const [k, x] of Object.entries(v)) {
      const p = keyPos(v, k) ?? key.pos;
      if (Object.prototype.hasOwnProperty.call(existing, k)) {
        problems.push({ path: [...here, k], message: 'declared more than once', pos: p });
        continue;
      }
      define(existing, k, x);
      remember(existing, k, p);
    }
    return;
  }
  if (isBlock && Array.isArray(existing) && REPEATED.has(existing)) {
    remember(existing, existing.length, key.pos);
    existing.push(v);
    return;
  }
  dup();
}

/** Sets a key even when it is `__proto__`, which plain assignment would not. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeValue(v: HclValue, path: (string | number)[], problems: DecodeProblem[]): unknown {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return v.value;
    case 'null':
      return null;
    case 'object':
      return decodeItems(v.items, path, problems);
    case 'list': {
      const arr = v.items.map((x, i) => decodeValue(x, [...path, i], problems));
      v.items.forEach((x, i) => remember(arr, i, x.pos));
      return arr;
    }
  }
}

/** True when an array was made from repeated unlabelled blocks (rather than written as a list). */
export function isRepeatedBlocks(v: unknown): boolean {
  return Array.isArray(v) && REPEATED.has(v);
}
