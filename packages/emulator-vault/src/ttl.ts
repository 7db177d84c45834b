/** Vault's TTL parameters: seconds as a number or string, or a duration such as "30m" or "1h30m". */
import { badRequest } from './request.js';

/** Seconds of a TTL value; undefined for an absent or empty one; 400 when it does not parse. */
export function parseTtl(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return parseInt(v, 10);
    const parts = [...v.matchAll(/(\d+)(h|m|s)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === v) {
      return parts.reduce((sum, p) => sum + parseInt(p[1]!, 10) * (p[2] === 'h' ? 3600 : p[2] === 'm' ? 60 : 1), 0);
    }
  }
  throw badRequest(`error converting input ${JSON.stringify(v)} for field "ttl"`);
}
