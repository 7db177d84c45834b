/**
 * Label and field selectors as the API server parses them from `labelSelector` and
 * `fieldSelector` query parameters.
 */
import { badRequest } from './status.js';
import type { ResourceType } from './resources.js';

/** A parsed selector: true when the object matches. */
export type Matcher = (obj: KubeObject) => boolean;

/** Any stored object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

type Requirement = (labels: Record<string, string>) => boolean;

const keyRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const valueRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Splits on commas outside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!keyRe.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!valueRe.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${selector}"`);
  return value;
}

function parseLabelTerm(term: string, selector: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const key = checkKey(set[1] ?? '', selector);
    const values = new Set((set[3] ?? '').split(',').map((v) => checkValue(v.trim(), selector)));
    return set[2] === 'in' ? (l) => key in l && values.has(l[key] ?? '') : (l) => !(key in l) || !values.has(l[key] ?? '');
  }
  const op = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
  if (op) {
    const key = checkKey(op[1] ?? '', selector);
    const value = checkValue((op[3] ?? '').trim(), selector);
    return op[2] === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value;
  }
  if (term.startsWith('!')) {
    const key = checkKey(term.slice(1).trim(), selector);
    return (l) => !(key in l);
  }
  const key = checkKey(term, selector);
  return (l) => key in l;
}

/** Parses a `labelSelector`; throws a 400 StatusError on bad syntax. */
export function parseLabelSelector(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map((t) => parseLabelTerm(t, selector));
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/**
 * Parses a `fieldSelector` for a type: metadata.name, metadata.namespace and the type's own
 * fields, with `=`, `==` and `!=`; throws a 400 StatusError for any other field, as the API
 * server does.
 */
export function parseFieldSelector(selector: string | undefined, type: ResourceType): Matcher {
  if (!selector) return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(type.fields ?? [])]);
  const reqs = splitTerms(selector).map((term) => {
    const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1] ?? '';
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    const value = (m[3] ?? '').trim();
    return m[2] === '!=' ? (o: KubeObject) => fieldValue(o, field) !== value : (o: KubeObject) => fieldValue(o, field) === value;
  });
  return (obj) => reqs.every((r) => r(obj));
}
