import { SpiffeId } from '../spiffeid/index.js';
import { defaultPolicyData, REGISTRATION_ENTRY_METHODS } from './default-policy-data.js';

/**
 * What an `allow_callers` rule lets its callers touch in an entry method: entries whose SPIFFE ID
 * and parent ID start with one of the prefixes (a list that is absent does not constrain its
 * field), and admin or downstream entries only when it says so.
 */
export interface EntryConstraint {
  spiffeIdPrefixes?: string[];
  parentIdPrefixes?: string[];
  adminEntries: boolean;
  downstreamEntries: boolean;
}

/** One `allow_callers` rule: which callers (by exact SPIFFE ID or ID prefix) and, for entry methods, which entries. */
export interface CallerRule {
  ids: string[];
  idPrefixes: string[];
  /** Absent: the method is granted without constraint. */
  entries?: EntryConstraint;
}

/** One item of the `apis` list, as the default policy.rego reads it. */
export interface ApiRule {
  fullMethod: string;
  allowAny: boolean;
  allowLocal: boolean;
  allowAdmin: boolean;
  allowDownstream: boolean;
  allowAgent: boolean;
  /** Our extension (see docs/authorization.md); the default policy.rego ignores this key. */
  allowCallers: CallerRule[];
}

/** Policy data, checked and normalized. */
export interface PolicyData {
  apis: ApiRule[];
}

/** What parsing policy data gives: data when there are no problems, and every problem and warning. */
export interface ParsedPolicyData {
  data?: PolicyData;
  problems: string[];
  warnings: string[];
}

const ENTRY_V1 = 'spire.api.server.entry.v1.Entry';
const REGISTRATION = 'spire.api.registration.Registration';

/**
 * The methods whose handlers apply an `entries` constraint to every entry they read or write:
 * reads are filtered (lists) or refused (single fetches), writes are refused per item.
 */
export const ENTRY_SCOPED_METHODS: ReadonlySet<string> = new Set([
  ...['ListEntries', 'GetEntry', 'BatchCreateEntry', 'BatchUpdateEntry', 'BatchDeleteEntry'].map((m) => `/${ENTRY_V1}/${m}`),
  ...REGISTRATION_ENTRY_METHODS.map((m) => `/${REGISTRATION}/${m}`),
]);

/** Methods the default policy grants to admins: the only ones `allow_callers` may grant. */
const ADMIN_METHODS: ReadonlySet<string> = new Set(defaultPolicyData().apis.filter((a) => a.allow_admin).map((a) => a.full_method));

const FLAG_KEYS = [
  ['allow_any', 'allowAny'],
  ['allow_local', 'allowLocal'],
  ['allow_admin', 'allowAdmin'],
  ['allow_downstream', 'allowDownstream'],
  ['allow_agent', 'allowAgent'],
] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rego's `data.apis[_]`: the elements of a list, the values of an object, nothing otherwise.
 * Keys name each item in messages.
 */
function regoElements(v: unknown): [string, unknown][] {
  if (Array.isArray(v)) return v.map((x, i) => [`apis[${i}]`, x]);
  if (isObject(v)) return Object.entries(v).map(([k, x]) => [`apis[${JSON.stringify(k)}]`, x]);
  return [];
}

class Reader {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];

  strings(where: string, v: unknown): string[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      this.problems.push(`${where}: must be a list of strings`);
      return undefined;
    }
    return v as string[];
  }

  /** A SPIFFE ID, canonical. */
  id(where: string, s: string): string | undefined {
    try {
      return SpiffeId.parse(s).toString();
    } catch (err) {
      this.problems.push(`${where}: ${JSON.stringify(s)} is not a SPIFFE ID: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** An ID prefix: a SPIFFE ID (or trust domain ID) followed by "/", so that it only matches whole path segments. */
  prefix(where: string, s: string): string | undefined {
    if (!s.endsWith('/')) {
      this.problems.push(`${where}: ${JSON.stringify(s)} must end with "/" (a prefix matches whole path segments)`);
      return undefined;
    }
    const id = this.id(where, s.slice(0, -1));
    return id === undefined ? undefined : `${id}/`;
  }

  bool(where: string, v: unknown): boolean {
    if (v === undefined) return false;
    if (typeof v !== 'boolean') {
      this.problems.push(`${where}: must be true or false`);
      return false;
    }
    return v;
  }

  unknownKeys(where: string, o: Record<string, unknown>, known: string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.problems.push(`${where}: unknown key ${JSON.stringify(k)}`);
  }

  entries(where: string, method: string, v: unknown): EntryConstraint | undefined {
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.problems.push(`${where}: must be an object`);
      return undefined;
    }
    if (!ENTRY_SCOPED_METHODS.has(method)) {
      this.problems.push(`${where}: ${method} cannot be scoped to entries; the methods that can are ${[...ENTRY_SCOPED_METHODS].join(', ')}`);
      return undefined;
    }
    this.unknownKeys(where, v, ['spiffe_id_prefixes', 'parent_id_prefixes', 'admin_entries', 'downstream_entries']);
    const out: EntryConstraint = {
      adminEntries: this.bool(`${where}.admin_entries`, v.admin_entries),
      downstreamEntries: this.bool(`${where}.downstream_entries`, v.downstream_entries),
    };
    const sp = this.strings(`${where}.spiffe_id_prefixes`, v.spiffe_id_prefixes);
    const pp = this.strings(`${where}.parent_id_prefixes`, v.parent_id_prefixes);
    if (sp) out.spiffeIdPrefixes = sp.map((s, i) => this.prefix(`${where}.spiffe_id_prefixes[${i}]`, s) ?? '');
    if (pp) out.parentIdPrefixes = pp.map((s, i) => this.prefix(`${where}.parent_id_prefixes[${i}]`, s) ?? '');
    if (!sp?.length && !pp?.length) this.problems.push(`${where}: must set spiffe_id_prefixes or parent_id_prefixes`);
    return out;
  }

  callers(where: string, method: unknown, v: unknown): CallerRule[] {
    if (v === undefined) return [];
    if (typeof method !== 'string' || !ADMIN_METHODS.has(method)) {
      this.problems.push(`${where}: only methods the default policy grants to admins can be granted to named callers; ${JSON.stringify(method)} is not one`);
      return [];
    }
    if (!Array.isArray(v)) {
      this.problems.push(`${where}: must be a list of objects`);
      return [];
    }
    const rules: CallerRule[] = [];
    v.forEach((r, i) => {
      const at = `${where}[${i}]`;
      if (!isObject(r)) {
        this.problems.push(`${at}: must be an object`);
        return;
      }
      this.unknownKeys(at, r, ['ids', 'id_prefixes', 'entries']);
      const ids = (this.strings(`${at}.ids`, r.ids) ?? []).map((s, j) => this.id(`${at}.ids[${j}]`, s) ?? '');
      const idPrefixes = (this.strings(`${at}.id_prefixes`, r.id_prefixes) ?? []).map((s, j) => this.prefix(`${at}.id_prefixes[${j}]`, s) ?? '');
      if (ids.length === 0 && idPrefixes.length === 0) this.problems.push(`${at}: must name callers in ids or id_prefixes`);
      const entries = this.entries(`${at}.entries`, method, r.entries);
      rules.push({ ids, idPrefixes, ...(entries ? { entries } : {}) });
    });
    return rules;
  }
}

/**
 * Checks and normalizes a decoded policy data document. The `apis` items are read exactly as the
 * default policy.rego reads them: an item applies to the method its `full_method` equals, and a
 * flag is on when its key is present with any value other than false (Rego's truth); a non-boolean
 * flag is a warning. `allow_callers` (our extension) is checked strictly: every mistake is a
 * problem. Pure; never throws.
 */
export function parsePolicyData(doc: unknown): ParsedPolicyData {
  const r = new Reader();
  if (!isObject(doc)) return { problems: ['error decoding JSON databindings: the document must be a JSON object'], warnings: [] };
  if (!Array.isArray(doc.apis) && !isObject(doc.apis)) r.warnings.push('policy data has no "apis" list, so the default policy denies every call');
  const apis: ApiRule[] = [];
  for (const [where, item] of regoElements(doc.apis)) {
    if (!isObject(item)) continue;
    const rule: ApiRule = {
      fullMethod: typeof item.full_method === 'string' ? item.full_method : '',
      allowAny: false,
      allowLocal: false,
      allowAdmin: false,
      allowDownstream: false,
      allowAgent: false,
      allowCallers: r.callers(`${where}.allow_callers`, item.full_method, item.allow_callers),
    };
    if (typeof item.full_method !== 'string') {
      r.warnings.push(`${where}: full_method is not a string, so the item applies to no method`);
      continue;
    }
    for (const [key, field] of FLAG_KEYS) {
      const v = item[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') r.warnings.push(`${where}.${key} is ${JSON.stringify(v)}, not a boolean; the default policy treats any value but false as true`);
      rule[field] = v !== false;
    }
    apis.push(rule);
  }
  if (r.problems.length > 0) return { problems: r.problems, warnings: r.warnings };
  return { data: { apis }, problems: [], warnings: r.warnings };
}

/** The default policy data, parsed. */
export function defaultPolicy(): PolicyData {
  const p = parsePolicyData(defaultPolicyData());
  if (!p.data) throw new Error(`the built-in policy data is invalid: ${p.problems.join('; ')}`);
  return p.data;
}
