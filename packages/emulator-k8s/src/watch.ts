/**
 * Watch streams: `?watch=true` answers newline-delimited JSON events (ADDED, MODIFIED,
 * DELETED) for one type, namespace and selector, starting from a resourceVersion or from the
 * current state.
 */
import type { ServerResponse } from 'node:http';
import type { ResourceType } from './resources.js';
import { badRequest } from './status.js';
import type { EventType, ObjectStore, StoreEvent } from './store.js';
import type { KubeObject } from './selectors.js';

/** The open watch streams, so that the server can end them all. */
export class WatchSet {
  private readonly open = new Set<ServerResponse>();

  /** Tracks a stream until it closes. */
  add(res: ServerResponse): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }

  /** Ends every open stream (the client sees the watch close). Safe to call twice. */
  endAll(): void {
    for (const res of [...this.open]) res.end();
    this.open.clear();
  }
}

/** What a watch needs from its request. */
export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  query: Record<string, string>;
}

/**
 * The event a watch with a selector sends for a write: a MODIFIED that makes an object match
 * is ADDED, one that makes it stop matching is DELETED, as the API server's filtered watch does.
 */
function translate(e: StoreEvent, match: (o: KubeObject) => boolean): EventType | undefined {
  const now = match(e.object);
  if (e.type !== 'MODIFIED') return now ? e.type : undefined;
  const before = e.previous ? match(e.previous) : false;
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

/**
 * Opens a watch on `res`: the initial events (the current objects as ADDED when no
 * resourceVersion or "0" is given, otherwise the writes after it), then every later write.
 * Throws a 400 StatusError before writing anything when the resourceVersion is not a number.
 */
export function openWatch(store: ObjectStore, watches: WatchSet, r: WatchRequest, match: (o: KubeObject) => boolean, res: ServerResponse): void {
  const rv = r.query.resourceVersion;
  if (rv && !/^[0-9]+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const inScope = (o: KubeObject): boolean => !r.type.namespaced || r.namespace === undefined || o.metadata?.namespace === r.namespace;
  const matches = (o: KubeObject): boolean => inScope(o) && match(o);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  watches.add(res);
  const send = (type: EventType, object: KubeObject): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const initial: StoreEvent[] = [];
  if (!rv || rv === '0') {
    for (const o of store.list(r.type, r.namespace)) initial.push({ type: 'ADDED', resource: r.type, object: o, rv: 0 });
  } else initial.push(...store.eventsSince(r.type, Number(rv)));
  for (const e of initial) {
    const t = e.type === 'ADDED' && !e.previous ? (matches(e.object) ? 'ADDED' : undefined) : translate(e, matches);
    if (t) send(t, e.object);
  }
  const stop = store.subscribe((e) => {
    const t = translate(e, matches);
    if (t) send(t, e.object);
  }, r.type);
  const timeout = Number(r.query.timeoutSeconds ?? 0);
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
  res.on('close', () => {
    stop();
    if (timer) clearTimeout(timer);
  });
}
