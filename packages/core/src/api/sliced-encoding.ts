import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { loadProtobufRoot } from '../proto/loader.js';
import { API_PROTO_FILES } from './proto.js';

/**
 * How many repeated items are encoded between two yields to the event loop. An entry encodes in
 * roughly 5–20 µs, so a slice keeps the loop busy for a millisecond or two.
 */
export const ENCODE_SLICE_ITEMS = 128;

/** How many bytes `finish` copies between two yields (a few hundred microseconds of memcpy). */
export const COPY_SLICE_BYTES = 1024 * 1024;

let root: protobuf.Root | undefined;

/**
 * The API protos as protobufjs types, loaded as @grpc/proto-loader loads them (field names kept
 * as in the .proto), so an encoding made here is the one grpc-js would make. Loaded once.
 */
function apiRoot(): protobuf.Root {
  root ??= loadProtobufRoot(API_PROTO_FILES, true);
  return root;
}

const types = new Map<string, protobuf.Type>();

/**
 * The protobufjs type of an API message by full name (`spire.api.server.entry.v1.ListEntriesResponse`),
 * looked up once per name (a lookup walks the namespace, on every small call otherwise). Throws when unknown.
 */
export function apiMessageType(fullName: string): protobuf.Type {
  let t = types.get(fullName);
  if (!t) {
    t = apiRoot().lookupType(fullName);
    types.set(fullName, t);
  }
  return t;
}

/**
 * The full names of a method's request and response messages (`spire.api.server.entry.v1.Entry`,
 * `ListEntries`), or undefined when the service has no such method. Throws when the service is unknown.
 */
export function apiMethodTypes(service: string, method: string): { request: string; response: string } | undefined {
  const m = apiRoot().lookupService(service).methods[method];
  if (!m) return undefined;
  m.resolve();
  return { request: m.resolvedRequestType!.fullName.replace(/^\./, ''), response: m.resolvedResponseType!.fullName.replace(/^\./, '') };
}

/**
 * A response whose wire bytes are already made. A handler returns one (or a stream writes one)
 * and the service's response serializer (see `passEncodedResponses`) hands the bytes to grpc-js
 * untouched, so a large answer is never encoded in one synchronous call.
 */
export class EncodedResponse {
  constructor(readonly bytes: Buffer) {}
}

/**
 * A copy of a server service definition whose response serializers pass an EncodedResponse's
 * bytes through and encode anything else as before. Pure; safe to call for every listener.
 */
export function passEncodedResponses(def: grpc.ServiceDefinition): grpc.ServiceDefinition {
  return Object.fromEntries(
    Object.entries(def).map(([name, md]) => {
      const serialize = md.responseSerialize;
      return [name, { ...md, responseSerialize: (v: unknown) => (v instanceof EncodedResponse ? v.bytes : serialize(v)) }];
    }),
  );
}

let lastTurn: Promise<void> = Promise.resolve();

/**
 * Resolves on a later turn of the event loop, after pending I/O callbacks have run. Callers are
 * served one per turn, in call order: however many large answers are being built, each turn of
 * the loop runs at most one of their slices, so a small call waits behind one slice per turn,
 * not one per large answer. Never rejects.
 */
export function yieldToLoop(): Promise<void> {
  const turn = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = turn;
  return turn;
}

/**
 * Builds the encoding of one message whose repeated message field `field` is large, item by item.
 * A repeated message field on the wire is a run of (tag, length, item bytes) records, so the items
 * can be encoded in any number of calls and concatenated; `finish` places them between the
 * message's lower- and higher-numbered fields, exactly where protobufjs would, so the result is
 * byte-for-byte the encoding of the whole message. Not safe to reuse after `finish`.
 */
export class RepeatedFieldEncoder {
  private readonly itemType: protobuf.Type;
  private readonly fieldId: number;
  private readonly tag: number;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  /** Throws when `field` is not a repeated message field of `type`. */
  constructor(
    private readonly type: protobuf.Type,
    private readonly field: string,
  ) {
    const f = type.fields[field];
    if (!f || !f.repeated || !(f.resolve().resolvedType instanceof protobuf.Type)) {
      throw new Error(`${type.fullName.replace(/^\./, '')}.${field} is not a repeated message field`);
    }
    this.itemType = f.resolvedType as protobuf.Type;
    this.fieldId = f.id;
    this.tag = ((f.id << 3) | 2) >>> 0;
  }

  /** Bytes of the items appended so far. */
  get byteLength(): number {
    return this.size;
  }

  /**
   * Encodes `items` (plain objects as grpc-js would take them) and appends them. Synchronous:
   * callers keep each call small and yield between calls. Throws what protobufjs throws for an
   * object it cannot encode.
   */
  append(items: readonly object[]): void {
    if (items.length === 0) return;
    const w = protobuf.Writer.create();
    for (const item of items) this.itemType.encode(this.itemType.fromObject(item), w.uint32(this.tag).fork()).ldelim();
    const bytes = w.finish();
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /**
   * Encodes one item (a plain object as grpc-js would take it) on its own, without the field's tag
   * and length: bytes `appendEncoded` takes, which can be kept and appended again. Throws what
   * protobufjs throws for an object it cannot encode.
   */
  encodeItem(item: object): Uint8Array {
    return this.itemType.encode(this.itemType.fromObject(item)).finish();
  }

  /** Appends items already encoded by `encodeItem` (of any encoder of the same item type). */
  appendEncoded(items: readonly Uint8Array[]): void {
    if (items.length === 0) return;
    const w = protobuf.Writer.create();
    for (const item of items) w.uint32(this.tag).bytes(item);
    const bytes = w.finish();
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /**
   * The whole message: `rest` supplies every other field (its value for `field`, if any, is
   * ignored). The parts are copied into one buffer at most COPY_SLICE_BYTES per turn of the event
   * loop, yielding between copies and once more at the end (grpc-js then copies the whole message
   * once more, synchronously, to frame it). Throws what protobufjs throws for `rest`.
   */
  async finish(rest: Record<string, unknown>): Promise<EncodedResponse> {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const f of this.type.fieldsArray) {
      if (f.name === this.field || !(f.name in rest)) continue;
      (f.id < this.fieldId ? before : after)[f.name] = rest[f.name];
    }
    const enc = (o: Record<string, unknown>) => this.type.encode(this.type.fromObject(o)).finish();
    const parts = [enc(before), ...this.chunks, enc(after)];
    this.chunks.length = 0;
    const out = Buffer.allocUnsafe(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    let sinceYield = 0;
    for (const b of parts) {
      if (sinceYield >= COPY_SLICE_BYTES) {
        await yieldToLoop();
        sinceYield = 0;
      }
      out.set(b, at);
      at += b.length;
      sinceYield += b.length;
    }
    if (at > COPY_SLICE_BYTES) await yieldToLoop();
    return new EncodedResponse(out);
  }
}

/**
 * Encodes `items` into `enc` in slices of `sliceItems`, converting each with `convert` just
 * before it is encoded (so only one slice of converted objects is alive at a time) and yielding
 * to the event loop before each slice, so what the caller did synchronously before (a store
 * read) and the first slice never run as one block. With `encoded`, `convert` returns each item's
 * bytes from `enc.encodeItem` (or a cache of them) instead of an object. Throws what `convert` or
 * the encoder throws.
 */
export async function appendInSlices<T>(enc: RepeatedFieldEncoder, items: readonly T[], convert: (item: T) => object, sliceItems?: number): Promise<void>;
export async function appendInSlices<T>(enc: RepeatedFieldEncoder, items: readonly T[], convert: (item: T) => Uint8Array, sliceItems: number | undefined, encoded: true): Promise<void>;
export async function appendInSlices<T>(enc: RepeatedFieldEncoder, items: readonly T[], convert: (item: T) => object, sliceItems = ENCODE_SLICE_ITEMS, encoded = false): Promise<void> {
  for (let i = 0; i < items.length; i += sliceItems) {
    await yieldToLoop();
    const slice: object[] = [];
    for (let j = i; j < Math.min(items.length, i + sliceItems); j++) slice.push(convert(items[j]!));
    if (encoded) enc.appendEncoded(slice as Uint8Array[]);
    else enc.append(slice);
  }
}
