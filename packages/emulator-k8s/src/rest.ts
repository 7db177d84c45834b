/**
 * The REST verbs on stored resources: get, list, watch, create, update, patch (four types) and
 * delete, with the API server's status codes and bodies.
 */
import type { ServerResponse } from 'node:http';
import { load as loadYaml } from 'js-yaml';
import { applyConfig, recordUpdate, type Ownership } from './apply.js';
import { jsonPatch, mergePatch, PATCH_TYPES, strategicMerge, type Json } from './patch.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector, type KubeObject } from './selectors.js';
import { applyConflict, badRequest, conflict, deleted, methodNotAllowed, notFound, StatusError, unsupportedMediaType } from './status.js';
import type { ObjectStore } from './store.js';
import { openWatch, type WatchSet } from './watch.js';

/** One request on a resource path, already parsed. */
export interface ResourceRequest {
  method: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: Record<string, string>;
  contentType: string;
  userAgent: string;
  body: string;
}

/** What the verbs work on. */
export interface RestContext {
  store: ObjectStore;
  /** Field ownership per object uid (server-side apply). */
  owners: Map<string, Ownership>;
  watches: WatchSet;
}

/** A JSON answer. */
export interface Answer {
  code: number;
  body: unknown;
}

function parseJson(body: string): KubeObject {
  try {
    return JSON.parse(body) as KubeObject;
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

function parseObject(body: string): KubeObject {
  const v = parseJson(body);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('request body must be a JSON object');
  return v;
}

function checkKind(r: ResourceRequest, obj: KubeObject): void {
  const want = apiVersionOf(r.type);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  if (obj.kind !== undefined && obj.kind !== r.type.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.type.kind})`);
}

function checkName(r: ResourceRequest, obj: KubeObject): void {
  const name = obj.metadata?.name;
  if (name !== undefined && name !== r.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${r.name ?? ''})`);
}

const managerOf = (r: ResourceRequest): string => r.query.fieldManager || r.userAgent.split('/')[0] || 'unknown';

function ownersOf(ctx: RestContext, obj: KubeObject): Ownership {
  const uid = String(obj.metadata?.uid ?? '');
  let o = ctx.owners.get(uid);
  if (!o) ctx.owners.set(uid, (o = new Map()));
  return o;
}

function list(ctx: RestContext, r: ResourceRequest): Answer {
  const labels = parseLabelSelector(r.query.labelSelector);
  const fields = parseFieldSelector(r.query.fieldSelector, r.type);
  let items = ctx.store.list(r.type, r.namespace, (o) => labels(o) && fields(o));
  const metadata: Record<string, unknown> = { resourceVersion: ctx.store.resourceVersion };
  const limit = Number(r.query.limit ?? 0);
  const start = r.query.continue ? Number(Buffer.from(r.query.continue, 'base64url').toString()) : 0;
  if (r.query.continue && !Number.isInteger(start)) throw badRequest('continue key is not valid');
  items = items.slice(start);
  if (limit > 0 && items.length > limit) {
    metadata.continue = Buffer.from(String(start + limit)).toString('base64url');
    metadata.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  return { code: 200, body: { apiVersion: apiVersionOf(r.type), kind: `${r.type.kind}List`, metadata, items } };
}

function create(ctx: RestContext, r: ResourceRequest): Answer {
  const obj = parseObject(r.body);
  checkKind(r, obj);
  const stored = ctx.store.create(r.type, fresh(r, obj), r.namespace);
  recordUpdate(undefined, stored, managerOf(r), ownersOf(ctx, stored));
  return { code: 201, body: stored };
}

function current(ctx: RestContext, r: ResourceRequest): KubeObject {
  const cur = ctx.store.get(r.type, r.namespace, r.name ?? '');
  if (!cur) throw notFound(r.type, r.name ?? '');
  return cur;
}

/** Keeps the main resource or the status apart, as the status subresource does. */
function scoped(r: ResourceRequest, cur: KubeObject, next: KubeObject): KubeObject {
  if (r.subresource === 'status') return { ...cur, status: next.status, metadata: { ...cur.metadata, resourceVersion: next.metadata?.resourceVersion } };
  if (!r.type.statusSubresource) return next;
  const { status: _ignored, ...rest } = next;
  return cur.status === undefined ? rest : { ...rest, status: cur.status };
}

/** A new object as the main resource accepts it: without status when status is a subresource. */
function fresh(r: ResourceRequest, obj: KubeObject): KubeObject {
  if (!r.type.statusSubresource) return obj;
  const { status: _ignored, ...rest } = obj;
  return rest;
}

function update(ctx: RestContext, r: ResourceRequest): Answer {
  const obj = parseObject(r.body);
  checkKind(r, obj);
  checkName(r, obj);
  const cur = current(ctx, r);
  const stored = ctx.store.replace(r.type, scoped(r, cur, obj), r.namespace, { checkResourceVersion: true });
  recordUpdate(cur, stored, managerOf(r), ownersOf(ctx, stored));
  return { code: 200, body: stored };
}

function parseApplyBody(body: string): KubeObject {
  try {
    return JSON.parse(body) as KubeObject;
  } catch {
    try {
      return loadYaml(body) as KubeObject;
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
}

function apply(ctx: RestContext, r: ResourceRequest): Answer {
  if (!r.query.fieldManager) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const config = parseApplyBody(r.body);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw badRequest('apply patch must be an object');
  if (!config.apiVersion || !config.kind) throw badRequest('apply patch must name apiVersion and kind');
  checkKind(r, config);
  checkName(r, config);
  const force = r.query.force === 'true';
  const cur = ctx.store.get(r.type, r.namespace, r.name ?? '');
  if (cur && config.metadata?.resourceVersion && config.metadata.resourceVersion !== cur.metadata?.resourceVersion) throw conflict(r.type, r.name ?? '');
  const owners: Ownership = cur ? ownersOf(ctx, cur) : new Map();
  const result = applyConfig(cur, config, r.query.fieldManager, force, owners);
  if (result.conflicts) throw applyConflict(r.type, r.name ?? '', result.conflicts);
  const merged = result.object;
  merged.metadata = { ...merged.metadata, name: r.name };
  if (!cur) {
    const stored = ctx.store.create(r.type, fresh(r, merged), r.namespace);
    ctx.owners.set(String(stored.metadata?.uid), owners);
    return { code: 201, body: stored };
  }
  delete merged.metadata.resourceVersion;
  return { code: 200, body: ctx.store.replace(r.type, scoped(r, cur, merged), r.namespace, { checkResourceVersion: false }) };
}

function patch(ctx: RestContext, r: ResourceRequest): Answer {
  const type = r.contentType.split(';')[0]?.trim() ?? '';
  if (type === PATCH_TYPES.apply) return apply(ctx, r);
  const cur = current(ctx, r);
  let next: Json;
  if (type === PATCH_TYPES.json) next = jsonPatch(cur as Json, parseJson(r.body));
  else if (type === PATCH_TYPES.merge) next = mergePatch(cur as Json, parseObject(r.body) as Json);
  else if (type === PATCH_TYPES.strategic) next = strategicMerge(cur as Json, parseObject(r.body) as Json);
  else throw unsupportedMediaType(type);
  const obj = next as KubeObject;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('patch result is not an object');
  checkKind(r, obj);
  checkName(r, obj);
  if (obj.metadata?.namespace !== cur.metadata?.namespace) throw badRequest('the namespace of the object cannot be changed by a patch');
  const stored = ctx.store.replace(r.type, scoped(r, cur, obj), r.namespace, { checkResourceVersion: true });
  recordUpdate(cur, stored, managerOf(r), ownersOf(ctx, stored));
  return { code: 200, body: stored };
}

function remove(ctx: RestContext, r: ResourceRequest): Answer {
  const cur = current(ctx, r);
  if (r.body.trim()) {
    const opts = parseObject(r.body) as { preconditions?: { uid?: string; resourceVersion?: string } };
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== cur.metadata?.uid) throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(cur.metadata?.uid)}`, { name: r.name, kind: r.type.plural });
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata?.resourceVersion) throw conflict(r.type, r.name ?? '');
  }
  const gone = ctx.store.delete(r.type, r.namespace, r.name ?? '');
  ctx.owners.delete(String(cur.metadata?.uid));
  if (r.type.deleteReturnsObject) return { code: 200, body: gone };
  return { code: 200, body: deleted(r.type, r.name ?? '', String(cur.metadata?.uid ?? '')) };
}

/**
 * Serves one resource request. Answers JSON, or (for a watch) takes over `res` and returns
 * undefined. Throws StatusError for every refusal.
 */
export function serveResource(ctx: RestContext, r: ResourceRequest, res: ServerResponse): Answer | undefined {
  if (r.subresource !== undefined && (r.subresource !== 'status' || !r.type.statusSubresource)) throw notFound(r.type, r.name ?? '');
  if (r.name === undefined) {
    if (r.method === 'GET' && (r.query.watch === 'true' || r.query.watch === '1')) {
      const labels = parseLabelSelector(r.query.labelSelector);
      const fields = parseFieldSelector(r.query.fieldSelector, r.type);
      openWatch(ctx.store, ctx.watches, r, (o) => labels(o) && fields(o), res);
      return undefined;
    }
    if (r.method === 'GET') return list(ctx, r);
    if (r.method === 'POST') return create(ctx, r);
    throw methodNotAllowed();
  }
  switch (r.method) {
    case 'GET':
      return { code: 200, body: current(ctx, r) };
    case 'PUT':
      return update(ctx, r);
    case 'PATCH':
      return patch(ctx, r);
    case 'DELETE':
      return remove(ctx, r);
    default:
      throw methodNotAllowed();
  }
}
