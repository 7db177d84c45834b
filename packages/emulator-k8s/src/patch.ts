/**
 * The four patch types of PATCH requests: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
 * strategic merge patch and the merge step of server-side apply.
 */
import { badRequest } from './status.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** A JSON object. */
export type JsonObject = { [k: string]: Json };

/** True for a JSON object (not an array, not null). */
export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The patch content types the API server accepts. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** RFC 7386: objects merge key by key, null removes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) throw badRequest(`invalid JSON pointer: ${JSON.stringify(path)}`);
  return path === '' ? [] : path.slice(1).split('/').map(unescape);
}

function parent(doc: Json, tokens: string[], path: string): { container: Json; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined) throw badRequest(`jsonpatch: path ${path} does not exist`);
    cur = next;
  }
  return { container: cur, key: tokens[tokens.length - 1] ?? '' };
}

function index(arr: Json[], key: string, path: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw badRequest(`jsonpatch: invalid array index ${key} in ${path}`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw badRequest(`jsonpatch: array index out of bounds in ${path}`);
  return i;
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const t of parsePointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined) throw badRequest(`jsonpatch: path ${path} does not exist`);
    cur = next;
  }
  return cur;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw badRequest('jsonpatch: cannot remove the document root');
  const { container, key } = parent(doc, tokens, path);
  if (Array.isArray(container)) return container.splice(index(container, key, path, false), 1)[0] ?? null;
  if (!isObject(container) || !(key in container)) throw badRequest(`jsonpatch: remove operation does not apply: doc is missing path: ${path}`);
  const v = container[key] ?? null;
  delete container[key];
  return v;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { container, key } = parent(doc, tokens, path);
  if (Array.isArray(container)) {
    const i = index(container, key, path, !replace);
    container.splice(i, replace ? 1 : 0, value);
  } else if (isObject(container)) {
    if (replace && !(key in container)) throw badRequest(`jsonpatch: replace operation does not apply: doc is missing key: ${path}`);
    container[key] = value;
  } else throw badRequest(`jsonpatch: path ${path} does not exist`);
  return doc;
}

/** RFC 6902: add, remove, replace, move, copy and test, applied in order to a copy. */
export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops) {
    if (!isObject(raw)) throw badRequest('json patch operation must be an object');
    const path = raw.path as string;
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(raw.value ?? null), false);
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'replace':
        if (!('value' in raw)) throw badRequest('jsonpatch: replace operation requires a value');
        doc = addAt(doc, path, structuredClone(raw.value ?? null), true);
        break;
      case 'move': {
        const v = removeAt(doc, raw.from as string);
        doc = addAt(doc, path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, path, structuredClone(getAt(doc, raw.from as string)), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw.value)) throw badRequest(`jsonpatch: testing value ${path} failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}

/**
 * The merge keys of the lists that Kubernetes merges by key (patchStrategy "merge"), by field
 * name; other lists are replaced. Lists of scalars named in {@link SET_LISTS} merge as sets.
 */
export const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  webhooks: 'name',
  conditions: 'type',
  addresses: 'type',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ownerReferences: 'uid',
  ports: 'containerPort',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

const SET_LISTS = new Set(['finalizers']);

function mergeList(field: string, cur: Json[], patch: Json[]): Json[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  const key = MERGE_KEYS[field];
  if (SET_LISTS.has(field)) {
    const out = [...cur];
    for (const p of patch) if (!out.some((c) => JSON.stringify(c) === JSON.stringify(p))) out.push(p);
    return out;
  }
  if (!key) return structuredClone(patch).map(stripDirectives);
  const out = [...cur];
  for (const p of patch) {
    if (!isObject(p) || !(key in p)) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((c) => isObject(c) && JSON.stringify(c[key]) === JSON.stringify(p[key]));
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i] ?? null, p);
    else out.push(stripDirectives(structuredClone(p)));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

/**
 * Strategic merge patch: a merge patch in which the lists Kubernetes declares mergeable are
 * merged by their key (see {@link MERGE_KEYS}), with the `$patch` (replace, delete),
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` directives.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : [];
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.includes(JSON.stringify(x)));
      continue;
    }
    if (k.startsWith('$')) throw badRequest(`unknown patch directive: ${k}`);
    const cur = out[k];
    if (v === null) delete out[k];
    else if (isObject(v) && v.$patch === 'delete') delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, Array.isArray(cur) ? cur : [], v);
    else out[k] = strategicMerge(cur ?? null, v);
  }
  return out;
}
