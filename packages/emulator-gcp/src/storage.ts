/**
 * Cloud Storage JSON API, as `@google-cloud/storage` (and Go's client) reach it through
 * `STORAGE_EMULATOR_HOST`: bucket and object metadata, media download, and multipart and
 * resumable uploads that honour `ifGenerationMatch` (412 conditionNotMet) as Cloud Storage does.
 * Node's client sends metadata requests without the `/storage/v1` prefix when the variable is
 * set, Go's with it; both are served.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HttpError, type EmulatorRequest, type EmulatorResponse, type Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** An object as the emulator stores it. */
export interface StoredObject {
  bucket: string;
  name: string;
  /** Cloud Storage's object generation: changes on every write. */
  generation: number;
  metageneration: number;
  contentType: string;
  data: Buffer;
  updated: Date;
}

interface PendingUpload {
  bucket: string;
  name: string;
  contentType: string;
  ifGenerationMatch: string | null;
  received: Buffer;
}

function gcsError(status: number, reason: string, message: string): HttpError {
  return new HttpError(status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC32C (Castagnoli) of `data`, base64 of its big-endian bytes, as Cloud Storage reports it. */
function crc32c(data: Buffer): string {
  let c = 0xffffffff;
  for (const b of data) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

const PRECONDITION = 'At least one of the pre-conditions you specified did not hold.';

/** Splits a `multipart/related` body into its parts (headers lower-cased, body as bytes). */
function multipartParts(body: Buffer, contentType: string): { headers: Record<string, string>; body: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw gcsError(400, 'invalid', 'Missing multipart boundary.');
  const text = body.toString('latin1');
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  for (const raw of text.split(`--${boundary}`).slice(1)) {
    if (raw.startsWith('--')) break;
    const sep = raw.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const headers: Record<string, string> = {};
    for (const line of raw.slice(0, sep).split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    parts.push({ headers, body: Buffer.from(raw.slice(sep + 4).replace(/\r\n$/, ''), 'latin1') });
  }
  return parts;
}

/** Cloud Storage: buckets and objects with generations. */
export class StorageService {
  /** Buckets that exist, by name. */
  readonly buckets = new Set<string>();
  /** Objects, by `bucket/name`. */
  readonly objects = new Map<string, StoredObject>();
  private readonly uploads = new Map<string, PendingUpload>();
  private lastGeneration = 0;

  constructor(readonly env: GcpEnv) {}

  /** Creates a bucket (idempotent). */
  createBucket(name: string): void {
    this.buckets.add(name);
  }

  /** The stored object, or undefined. */
  object(bucket: string, name: string): StoredObject | undefined {
    return this.objects.get(`${bucket}/${name}`);
  }

  /** The object's content as text, or undefined when there is no such object. */
  read(bucket: string, name: string): string | undefined {
    return this.object(bucket, name)?.data.toString('utf8');
  }

  /**
   * Writes an object as another writer would (a new generation), honouring `ifGenerationMatch`
   * when given. Throws HttpError 404 for a missing bucket, 412 when the precondition fails.
   */
  write(bucket: string, name: string, data: string | Buffer, contentType = 'application/octet-stream', ifGenerationMatch?: string | null): StoredObject {
    if (!this.buckets.has(bucket)) throw gcsError(404, 'notFound', 'The specified bucket does not exist.');
    const current = this.object(bucket, name);
    if (ifGenerationMatch !== undefined && ifGenerationMatch !== null && String(current?.generation ?? 0) !== ifGenerationMatch) {
      throw gcsError(412, 'conditionNotMet', PRECONDITION);
    }
    this.lastGeneration = Math.max(this.lastGeneration + 1, this.env.now().getTime() * 1000);
    const obj: StoredObject = { bucket, name, generation: this.lastGeneration, metageneration: 1, contentType, data: Buffer.from(data), updated: this.env.now() };
    this.objects.set(`${bucket}/${name}`, obj);
    return obj;
  }

  routes(): Route[] {
    const meta: Route[] = [];
    for (const prefix of ['', '/storage/v1']) {
      meta.push(
        { method: 'GET', path: `${prefix}/b/{bucket}`, name: 'storage.buckets.get', handler: (r) => this.getBucket(r) },
        { method: 'GET', path: `${prefix}/b/{bucket}/o/{object*}`, name: 'storage.objects.get', handler: (r) => this.getObject(r) },
        { method: 'DELETE', path: `${prefix}/b/{bucket}/o/{object*}`, name: 'storage.objects.delete', handler: (r) => this.deleteObject(r) },
      );
    }
    return [
      ...meta,
      { method: 'GET', path: '/download/storage/v1/b/{bucket}/o/{object*}', name: 'storage.objects.get', handler: (r) => this.getObject(r) },
      { method: 'POST', path: '/upload/storage/v1/b/{bucket}/o', name: 'storage.objects.insert', handler: (r) => this.insert(r) },
      { method: 'PUT', path: '/upload/storage/v1/b/{bucket}/o', name: 'storage.objects.upload', handler: (r) => this.resumableChunk(r) },
    ];
  }

  private checkAuth(r: EmulatorRequest): void {
    // @google-cloud/storage sends no credentials to STORAGE_EMULATOR_HOST; a token that is sent must be one of ours.
    if (r.headers.authorization) this.env.checkBearer(r.headers.authorization);
  }

  private requireBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) throw gcsError(404, 'notFound', 'The specified bucket does not exist.');
  }

  private getBucket(r: EmulatorRequest): EmulatorResponse {
    this.checkAuth(r);
    this.requireBucket(r.params.bucket!);
    return { json: { kind: 'storage#bucket', id: r.params.bucket, name: r.params.bucket, metageneration: '1', location: 'US', storageClass: 'STANDARD' } };
  }

  private resource(o: StoredObject): Record<string, unknown> {
    return {
      kind: 'storage#object',
      id: `${o.bucket}/${o.name}/${o.generation}`,
      name: o.name,
      bucket: o.bucket,
      generation: String(o.generation),
      metageneration: String(o.metageneration),
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: createHash('md5').update(o.data).digest('base64'),
      crc32c: crc32c(o.data),
      storageClass: 'STANDARD',
      timeCreated: o.updated.toISOString(),
      updated: o.updated.toISOString(),
      selfLink: `${this.env.url}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
      mediaLink: `${this.env.url}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    };
  }

  private getObject(r: EmulatorRequest): EmulatorResponse {
    this.checkAuth(r);
    const { bucket, object } = r.params as { bucket: string; object: string };
    this.requireBucket(bucket);
    const o = this.object(bucket, object);
    if (!o) throw gcsError(404, 'notFound', `No such object: ${bucket}/${object}`);
    const generation = r.query.get('generation');
    if (generation && generation !== String(o.generation)) throw gcsError(404, 'notFound', `No such object: ${bucket}/${object}`);
    if (r.query.get('alt') === 'media') {
      return { headers: { 'content-type': o.contentType, 'x-goog-generation': String(o.generation) }, body: o.data };
    }
    return { json: this.resource(o) };
  }

  private deleteObject(r: EmulatorRequest): EmulatorResponse {
    this.checkAuth(r);
    const { bucket, object } = r.params as { bucket: string; object: string };
    this.requireBucket(bucket);
    const o = this.object(bucket, object);
    if (!o) throw gcsError(404, 'notFound', `No such object: ${bucket}/${object}`);
    const ifGenerationMatch = r.query.get('ifGenerationMatch');
    if (ifGenerationMatch !== null && ifGenerationMatch !== String(o.generation)) throw gcsError(412, 'conditionNotMet', PRECONDITION);
    this.objects.delete(`${bucket}/${object}`);
    return { status: 204, body: '' };
  }

  private insert(r: EmulatorRequest): EmulatorResponse {
    this.checkAuth(r);
    const bucket = r.params.bucket!;
    this.requireBucket(bucket);
    const uploadType = r.query.get('uploadType');
    const ifGenerationMatch = r.query.get('ifGenerationMatch');
    if (uploadType === 'multipart') {
      const parts = multipartParts(r.body, String(r.headers['content-type'] ?? ''));
      if (parts.length !== 2) throw gcsError(400, 'invalid', 'A multipart upload has exactly two parts.');
      const metadata = JSON.parse(parts[0]!.body.toString('utf8') || '{}') as { name?: string; contentType?: string };
      const name = r.query.get('name') ?? metadata.name;
      if (!name) throw gcsError(400, 'required', 'Required');
      const contentType = metadata.contentType ?? parts[1]!.headers['content-type'] ?? 'application/octet-stream';
      return { json: this.resource(this.write(bucket, name, parts[1]!.body, contentType, ifGenerationMatch)) };
    }
    if (uploadType === 'media') {
      const name = r.query.get('name');
      if (!name) throw gcsError(400, 'required', 'Required');
      return { json: this.resource(this.write(bucket, name, r.body, String(r.headers['content-type'] ?? 'application/octet-stream'), ifGenerationMatch)) };
    }
    if (uploadType === 'resumable') {
      const metadata = (r.body.length > 0 ? JSON.parse(r.body.toString('utf8')) : {}) as { name?: string; contentType?: string };
      const name = r.query.get('name') ?? metadata.name;
      if (!name) throw gcsError(400, 'required', 'Required');
      // Cloud Storage checks the precondition when the session starts, and again when it completes.
      const current = this.object(bucket, name);
      if (ifGenerationMatch !== null && String(current?.generation ?? 0) !== ifGenerationMatch) throw gcsError(412, 'conditionNotMet', PRECONDITION);
      const id = randomBytes(12).toString('hex');
      const contentType = metadata.contentType ?? String(r.headers['x-upload-content-type'] ?? 'application/octet-stream');
      this.uploads.set(id, { bucket, name, contentType, ifGenerationMatch, received: Buffer.alloc(0) });
      return { headers: { location: `${this.env.url}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}` }, json: {} };
    }
    throw gcsError(400, 'invalid', `Invalid upload type: ${uploadType ?? ''}`);
  }

  /** A chunk of a resumable session (`Content-Range: bytes a-b/total`; a star for a part not known). */
  private resumableChunk(r: EmulatorRequest): EmulatorResponse {
    const id = r.query.get('upload_id') ?? '';
    const up = this.uploads.get(id);
    if (!up) throw gcsError(404, 'notFound', 'No such upload session.');
    const range = String(r.headers['content-range'] ?? '');
    const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(range);
    if (m?.[1] !== undefined && Number(m[1]) === up.received.length) up.received = Buffer.concat([up.received, r.body]);
    else if (!m && r.body.length > 0) up.received = Buffer.concat([up.received, r.body]);
    const total = m?.[3] && m[3] !== '*' ? Number(m[3]) : m ? undefined : up.received.length;
    if (total === undefined || up.received.length < total) {
      return { status: 308, headers: up.received.length > 0 ? { range: `bytes=0-${up.received.length - 1}` } : {}, body: '' };
    }
    this.uploads.delete(id);
    return { json: this.resource(this.write(up.bucket, up.name, up.received, up.contentType, up.ifGenerationMatch)) };
  }
}
