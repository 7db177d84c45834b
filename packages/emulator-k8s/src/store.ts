/**
 * The object store: every object by type, namespace and name; one resourceVersion counter that
 * increases on every write; the event history and the watch fan-out.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './resources.js';
import { alreadyExists, badRequest, conflict, notFound } from './status.js';
import type { KubeObject, Matcher } from './selectors.js';

/** A watch event type as sent on the wire. */
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as remembered for watches. */
export interface StoreEvent {
  type: EventType;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED write. */
  previous?: KubeObject;
  rv: number;
}

/** Receives the events of one watch. */
export type Listener = (e: StoreEvent) => void;

/** An object's metadata as the store reads it. */
export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

const keyOf = (t: ResourceType, ns: string | undefined, name: string): string => `${apiVersionOf(t)}|${t.kind}|${t.namespaced ? (ns ?? '') : ''}|${name}`;

const meta = (o: KubeObject): Meta => (o.metadata ??= {}) as Meta;

/** Five characters from the alphabet the API server uses for generateName (no vowels, no look-alikes). */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(randomBytes(5), (b) => alphabet[b % alphabet.length]).join('');
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const sameSpec = (a: KubeObject, b: KubeObject): boolean => {
  const strip = (o: KubeObject): string => JSON.stringify({ ...o, metadata: undefined, status: undefined });
  return strip(a) === strip(b);
};

const copyEvent = (e: StoreEvent): StoreEvent => ({ ...e, object: structuredClone(e.object), previous: e.previous && structuredClone(e.previous) });

/** How a replace treats metadata.resourceVersion. */
export interface ReplaceOptions {
  /** Answer 409 when the object's resourceVersion is set and is not the stored one. */
  checkResourceVersion: boolean;
}

/** The emulator's objects. Every method returns copies; callers may mutate what they get. */
export class ObjectStore {
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<{ resource?: ResourceType; fn: Listener }>();
  private rv = 0;

  /** The latest resourceVersion (the list resourceVersion). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The stored object, or undefined. */
  get(t: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const e = this.objects.get(keyOf(t, ns, name));
    return e ? structuredClone(e.object) : undefined;
  }

  /** Objects of a type, in one namespace or all, that `match` accepts, ordered by namespace and name. */
  list(t: ResourceType, ns?: string, match: Matcher = () => true): KubeObject[] {
    const out: KubeObject[] = [];
    for (const e of this.objects.values()) {
      if (e.resource !== t) continue;
      if (t.namespaced && ns !== undefined && e.object.metadata?.namespace !== ns) continue;
      if (match(e.object)) out.push(structuredClone(e.object));
    }
    const k = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    return out.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
  }

  private normalize(t: ResourceType, obj: KubeObject, ns: string | undefined): Meta {
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const m = meta(obj);
    if (t.namespaced) {
      const namespace = m.namespace ?? ns;
      if (!namespace) throw badRequest('an empty namespace may not be set when a resource name is provided');
      if (ns !== undefined && m.namespace !== undefined && m.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = namespace;
    } else delete m.namespace;
    return m;
  }

  /** Creates an object; 409 AlreadyExists when the name is taken. Honours metadata.generateName. */
  create(t: ResourceType, input: KubeObject, ns?: string): KubeObject {
    const obj = structuredClone(input);
    const m = this.normalize(t, obj, ns);
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
    if (!m.name) throw badRequest('name or generateName is required');
    if (this.objects.has(keyOf(t, m.namespace, m.name))) throw alreadyExists(t, m.name);
    m.uid ??= randomUUID();
    m.creationTimestamp ??= now();
    m.generation = 1;
    return this.write('ADDED', t, obj);
  }

  /**
   * Replaces an existing object; 404 when it is missing, 409 Conflict on a stale
   * resourceVersion when asked to check it. Keeps uid and creationTimestamp.
   */
  replace(t: ResourceType, input: KubeObject, ns: string | undefined, o: ReplaceOptions): KubeObject {
    const obj = structuredClone(input);
    const m = this.normalize(t, obj, ns);
    if (!m.name) throw badRequest('name is required');
    const cur = this.objects.get(keyOf(t, m.namespace, m.name));
    if (!cur) throw notFound(t, m.name);
    const cm = meta(cur.object);
    if (o.checkResourceVersion && m.resourceVersion && m.resourceVersion !== cm.resourceVersion) throw conflict(t, m.name);
    m.uid = cm.uid;
    m.creationTimestamp = cm.creationTimestamp;
    m.generation = (cm.generation ?? 1) + (sameSpec(cur.object, obj) ? 0 : 1);
    return this.write('MODIFIED', t, obj, cur.object);
  }

  /** Creates or replaces without any check, keeping a given uid (the test API's put). */
  put(t: ResourceType, input: KubeObject): KubeObject {
    const obj = structuredClone(input);
    const m = this.normalize(t, obj, undefined);
    if (!m.name) throw badRequest('metadata.name is required');
    const cur = this.objects.get(keyOf(t, m.namespace, m.name));
    if (!cur) {
      m.uid ??= randomUUID();
      m.creationTimestamp ??= now();
      m.generation ??= 1;
      return this.write('ADDED', t, obj);
    }
    const cm = meta(cur.object);
    m.uid ??= cm.uid;
    m.creationTimestamp ??= cm.creationTimestamp;
    m.generation ??= (cm.generation ?? 1) + (sameSpec(cur.object, obj) ? 0 : 1);
    return this.write('MODIFIED', t, obj, cur.object);
  }

  /** Removes an object; returns it (with a new resourceVersion) or undefined when missing. */
  delete(t: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
    const key = keyOf(t, ns, name);
    const cur = this.objects.get(key);
    if (!cur) return undefined;
    this.objects.delete(key);
    const obj = structuredClone(cur.object);
    meta(obj).resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', resource: t, object: obj, rv: this.rv });
    return structuredClone(obj);
  }

  private write(type: EventType, t: ResourceType, obj: KubeObject, previous?: KubeObject): KubeObject {
    const m = meta(obj);
    m.resourceVersion = String(++this.rv);
    this.objects.set(keyOf(t, m.namespace, m.name ?? ''), { resource: t, object: obj });
    this.emit({ type, resource: t, object: structuredClone(obj), previous, rv: this.rv });
    return structuredClone(obj);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    for (const l of [...this.listeners]) if (!l.resource || l.resource === e.resource) l.fn(copyEvent(e));
  }

  /** The events of a type after resourceVersion `since`, oldest first. */
  eventsSince(t: ResourceType, since: number): StoreEvent[] {
    return this.history.filter((e) => e.resource === t && e.rv > since).map(copyEvent);
  }

  /**
   * Calls `fn` for every later write (of type `t` when given). Returns the function that stops
   * it; calling that twice is safe.
   */
  subscribe(fn: Listener, t?: ResourceType): () => void {
    const l = { resource: t, fn };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
