/**
 * Every error the emulator answers, as the API server's `Status` objects (one definition of each
 * reason and message).
 */

/** A Kubernetes `meta/v1` Status object. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; retryAfterSeconds?: number };
  code: number;
}

/** An error that the server answers as a Status with its HTTP code. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: KubeStatus['details'],
  ) {
    super(message);
  }

  /** The Status object sent on the wire. */
  toStatus(): KubeStatus {
    const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** A resource as named in Status details: its plural and group. */
export interface ResourceName {
  plural: string;
  group: string;
}

const qualified = (r: ResourceName): string => (r.group ? `${r.plural}.${r.group}` : r.plural);
const details = (r: ResourceName, name: string): KubeStatus['details'] => ({ name, group: r.group || undefined, kind: r.plural });

/** 404: the named object does not exist. */
export const notFound = (r: ResourceName, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name));

/** 404: the path names no served resource. */
export const pathNotFound = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

/** 409: create of an object that exists. */
export const alreadyExists = (r: ResourceName, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name));

/** 409: update with a stale metadata.resourceVersion. */
export const conflict = (r: ResourceName, name: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(r, name),
  );

/** 409: server-side apply touches fields another manager owns. */
export const applyConflict = (r: ResourceName, name: string, conflicts: string[]): StatusError =>
  new StatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts.join(', ')}`, details(r, name));

/** 400: malformed request. */
export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

/** 422: the object is invalid. */
export const invalid = (r: ResourceName, kind: string, name: string, message: string): StatusError =>
  new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${message}`, details(r, name));

/** 405: the verb is not served for this path. */
export const methodNotAllowed = (): StatusError => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

/** 415: a patch or body content type the server does not accept. */
export const unsupportedMediaType = (type: string): StatusError =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type || 'none'})`);

/** 401: no accepted credential. */
export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');

/** 503: the emulator was switched to unavailable. */
export const unavailable = (): StatusError => new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', { retryAfterSeconds: 1 });

/** The Status a successful delete of a non-graceful object answers. */
export function deleted(r: ResourceName, name: string, uid: string | undefined): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: r.group || undefined, kind: r.plural, uid }, code: 200 };
}
