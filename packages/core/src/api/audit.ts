import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { CallerInfo } from './caller.js';
import { codeName } from '../errors.js';
import type { ApiStatus } from './status.js';

/** Request fields for the audit log: flat, no bytes, no secrets. */
export type AuditFields = Record<string, string | number | boolean>;

const SECRET_FIELDS = new Set(['token', 'value', 'csr', 'private_key']);

/**
 * Flattens a request into audit fields: scalars as they are, nested messages joined with `.`,
 * lists of scalars joined with `,`, lists of messages as JSON; bytes and secret-bearing fields
 * (join tokens, CSRs) are left out. Never throws.
 */
export function requestFields(req: unknown, prefix = ''): AuditFields {
  const out: AuditFields = {};
  if (req === null || typeof req !== 'object') return out;
  for (const [k, v] of Object.entries(req as Record<string, unknown>)) {
    const key = prefix + k;
    if (v === null || v === undefined || Buffer.isBuffer(v) || v instanceof Uint8Array || SECRET_FIELDS.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (v !== '' && v !== 0 && v !== false) out[key] = v;
    } else if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (v.every((x) => typeof x !== 'object')) out[key] = v.join(',');
      else out[key] = JSON.stringify(v, (_k, x: unknown) => (Buffer.isBuffer(x) || (x as { type?: string })?.type === 'Buffer' ? undefined : x));
    } else {
      Object.assign(out, requestFields(v, `${key}.`));
    }
  }
  return out;
}

/**
 * The audit records of one call (audit_log_enabled). Batch handlers record one line per item
 * with `item`; otherwise one line is written for the whole call when it ends. Each line carries
 * type=audit, request_id, status, status_code/status_message on error, the caller and the
 * request fields.
 */
export class AuditScope {
  readonly requestId = randomUUID();
  private items = 0;

  constructor(
    private readonly log: Logger | undefined,
    private readonly caller: CallerInfo,
    private readonly method: string,
  ) {}

  private write(status: ApiStatus, fields: AuditFields): void {
    if (!this.log) return;
    const rec: Record<string, unknown> = {
      type: 'audit',
      request_id: this.requestId,
      method: this.method,
      status: status.code === 0 ? 'success' : 'error',
      ...fields,
    };
    if (status.code !== 0) {
      rec.status_code = codeName(status.code);
      rec.status_message = status.message;
    }
    if (this.caller.transport === 'tcp') {
      rec.caller_addr = this.caller.ip;
      if (this.caller.svid) rec.caller_id = this.caller.svid.id.toString();
    } else {
      // SPIRE adds caller_uid/gid/path from the socket's peer credentials, which Node cannot read.
      rec.caller_local = true;
    }
    if (this.caller.console) {
      rec.console_user = this.caller.console.user;
      rec.console_remote = this.caller.console.remote;
    }
    this.log.info(rec, 'API accessed');
  }

  /** Records one item of a batch. */
  item(status: ApiStatus, fields: AuditFields): void {
    this.items++;
    this.write(status, fields);
  }

  /** Records the end of the call, unless items were recorded and it succeeded. */
  finish(status: ApiStatus, req: unknown): void {
    if (this.items > 0 && status.code === 0) return;
    this.write(status, requestFields(req));
  }
}
