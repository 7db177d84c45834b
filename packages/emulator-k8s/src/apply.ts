/**
 * Server-side apply: the applied configuration merges into the object (strategic merge), and
 * each field manager owns the fields it set. Applying a field another manager owns with a
 * different value is a conflict unless `force` is set; fields a manager applied before and no
 * longer applies are removed when no other manager owns them. Non-apply writes take ownership
 * of the fields they change.
 */
import { isObject, MERGE_KEYS, strategicMerge, type Json, type JsonObject } from './patch.js';
import type { KubeObject } from './selectors.js';

type Segment = string | { key: string; value: Json };

const IDENTITY = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'generateName']);

/** Leaf fields of an object as (path, value) pairs; keyed lists are descended by their merge key. */
function leaves(v: Json, path: Segment[] = [], out = new Map<string, { path: Segment[]; value: Json }>()): Map<string, { path: Segment[]; value: Json }> {
  const field = typeof path[path.length - 1] === 'string' ? (path[path.length - 1] as string) : '';
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (path.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
      if (path.length === 1 && path[0] === 'metadata' && IDENTITY.has(k)) continue;
      leaves(x, [...path, k], out);
    }
    if (Object.keys(v).length === 0 && path.length > 0) out.set(JSON.stringify(path), { path, value: v });
  } else if (Array.isArray(v) && MERGE_KEYS[field] && v.every((x) => isObject(x) && MERGE_KEYS[field]! in x)) {
    const key = MERGE_KEYS[field]!;
    for (const x of v as JsonObject[]) {
      const seg: Segment = { key, value: x[key] ?? null };
      const item: Segment[] = [...path, seg];
      out.set(JSON.stringify([...item, key]), { path: [...item, key], value: x[key] ?? null });
      leaves(x, item, out);
    }
  } else out.set(JSON.stringify(path), { path, value: v });
  return out;
}

function lookup(v: Json, path: Segment[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const s of path) {
    if (typeof s === 'string') cur = isObject(cur) ? cur[s] : undefined;
    else cur = Array.isArray(cur) ? cur.find((x) => isObject(x) && JSON.stringify(x[s.key]) === JSON.stringify(s.value)) : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function remove(v: Json, path: Segment[]): void {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = lookup(v, parentPath);
  if (typeof last === 'string' && isObject(parent)) delete parent[last];
  else if (last && typeof last !== 'string' && Array.isArray(parent)) {
    const i = parent.findIndex((x) => isObject(x) && JSON.stringify(x[last.key]) === JSON.stringify(last.value));
    if (i >= 0) parent.splice(i, 1);
  }
}

const describe = (path: Segment[]): string =>
  '.' + path.map((s) => (typeof s === 'string' ? s : `[${s.key}=${JSON.stringify(s.value)}]`)).join('.').replace(/\.\[/g, '[');

/** Field ownership of one object: manager -> owned leaf paths (JSON of the path). */
export type Ownership = Map<string, Set<string>>;

/** The outcome of an apply: the merged object, or the conflicts that stop it. */
export type ApplyResult = { object: KubeObject; conflicts?: undefined } | { object?: undefined; conflicts: string[] };

/**
 * Applies `config` as `manager` onto `current` (undefined when the object is new), updating
 * `owners` in place when it succeeds.
 */
export function applyConfig(current: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, owners: Ownership): ApplyResult {
  const base = (current ?? {}) as Json;
  const applied = leaves(config as Json);
  const conflicts: string[] = [];
  const transfer: [string, string][] = [];
  for (const [key, { path, value }] of applied) {
    const have = lookup(base, path);
    for (const [other, owned] of owners) {
      if (other === manager || !owned.has(key)) continue;
      if (have !== undefined && JSON.stringify(have) === JSON.stringify(value)) continue;
      if (force) transfer.push([other, key]);
      else conflicts.push(`conflict with "${other}": ${describe(path)}`);
    }
  }
  if (conflicts.length > 0) return { conflicts };
  for (const [other, key] of transfer) owners.get(other)?.delete(key);
  const merged = strategicMerge(structuredClone(base), config as Json) as JsonObject;
  const previous = owners.get(manager) ?? new Set<string>();
  for (const key of previous) {
    if (applied.has(key)) continue;
    if ([...owners].some(([other, owned]) => other !== manager && owned.has(key))) continue;
    remove(merged, JSON.parse(key) as Segment[]);
  }
  owners.set(manager, new Set(applied.keys()));
  return { object: merged as KubeObject };
}

/** Gives `manager` the fields that differ between `before` and `after` (a non-apply write). */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, owners: Ownership): void {
  const old = before ? leaves(before as Json) : new Map<string, { path: Segment[]; value: Json }>();
  const changed: string[] = [];
  for (const [key, { value }] of leaves(after as Json)) {
    const prev = old.get(key);
    if (!prev || JSON.stringify(prev.value) !== JSON.stringify(value)) changed.push(key);
  }
  if (changed.length === 0) return;
  for (const [other, owned] of owners) if (other !== manager) for (const k of changed) owned.delete(k);
  const mine = owners.get(manager) ?? new Set<string>();
  for (const k of changed) mine.add(k);
  owners.set(manager, mine);
}
