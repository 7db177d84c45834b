import { BlockList, isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints, type GeneralSubtree } from '@peculiar/asn1-x509';

/** One name constraint, by kind (subtrees of other kinds are ignored, as Go ignores them). */
export interface Constraint {
  kind: 'dns' | 'email' | 'uri' | 'ip';
  value: string;
}

/** The permitted and excluded subtrees of a CA's nameConstraints extension. */
export interface NameConstraintSet {
  permitted: Constraint[];
  excluded: Constraint[];
}

/** The SANs a certificate carries, by kind. */
export interface Sans {
  dnsNames: string[];
  emails: string[];
  uris: string[];
  ips: string[];
}

function subtrees(list: GeneralSubtree[] | undefined): Constraint[] {
  const out: Constraint[] = [];
  for (const s of list ?? []) {
    const b = s.base;
    if (b.dNSName !== undefined) out.push({ kind: 'dns', value: b.dNSName });
    else if (b.rfc822Name !== undefined) out.push({ kind: 'email', value: b.rfc822Name });
    else if (b.uniformResourceIdentifier !== undefined) out.push({ kind: 'uri', value: b.uniformResourceIdentifier });
    else if (b.iPAddress !== undefined) out.push({ kind: 'ip', value: b.iPAddress });
  }
  return out;
}

/** Decodes a nameConstraints extension value. Throws when it is malformed. */
export function parseNameConstraints(value: ArrayBuffer): NameConstraintSet {
  const nc = AsnConvert.parse(value, NameConstraints);
  return { permitted: subtrees(nc.permittedSubtrees), excluded: subtrees(nc.excludedSubtrees) };
}

function reverseLabels(domain: string): string[] | undefined {
  if (domain === '') return [];
  const labels = domain.split('.').reverse();
  if (labels.some((l) => l === '' || !/^[\x21-\x7e]+$/.test(l))) return undefined;
  return labels;
}

// Go's matchDomainConstraint: a leading '.' means "strict subdomains only"; labels compare without case.
function matchDomain(domain: string, constraint: string): boolean {
  if (constraint === '') return true;
  const d = reverseLabels(domain);
  if (!d) throw new Error(`cannot parse domain ${JSON.stringify(domain)}`);
  const sub = constraint.startsWith('.');
  const c = reverseLabels(sub ? constraint.slice(1) : constraint);
  if (!c) throw new Error(`cannot parse constraint ${JSON.stringify(constraint)}`);
  if (d.length < c.length || (sub && d.length === c.length)) return false;
  return c.every((label, i) => label.toLowerCase() === d[i]!.toLowerCase());
}

function matchEmail(email: string, constraint: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) throw new Error(`cannot parse rfc822Name ${JSON.stringify(email)}`);
  if (constraint.includes('@')) {
    const cat = constraint.lastIndexOf('@');
    return email.slice(0, at) === constraint.slice(0, cat) && email.slice(at + 1).toLowerCase() === constraint.slice(cat + 1).toLowerCase();
  }
  return matchDomain(email.slice(at + 1), constraint);
}

function matchUri(uri: string, constraint: string): boolean {
  let host: string;
  try {
    host = new URL(uri).hostname;
  } catch {
    throw new Error(`cannot parse URI ${JSON.stringify(uri)}`);
  }
  if (host === '') throw new Error(`URI with empty host (${JSON.stringify(uri)}) cannot be matched against constraints`);
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) throw new Error(`URI with IP (${JSON.stringify(uri)}) cannot be matched against constraints`);
  return matchDomain(host, constraint);
}

function matchIp(ip: string, constraint: string): boolean {
  const [net, bits] = constraint.split('/');
  const fam = isIP(ip);
  const netFam = isIP(net ?? '');
  if (fam === 0 || netFam === 0 || fam !== netFam) return false;
  const list = new BlockList();
  list.addSubnet(net!, Number(bits ?? (fam === 4 ? 32 : 128)), fam === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, fam === 4 ? 'ipv4' : 'ipv6');
}

const labels = { dns: 'DNS name', email: 'email address', uri: 'URI', ip: 'IP address' } as const;
const matchers = { dns: matchDomain, email: matchEmail, uri: matchUri, ip: matchIp } as const;

/**
 * Checks a certificate's SANs against a CA's name constraints as Go's crypto/x509 does: for each
 * kind that has permitted subtrees every name of that kind must match one, and no name may match
 * an excluded subtree. Returns Go's error text, or undefined when the names are allowed.
 */
export function checkNameConstraints(sans: Sans, set: NameConstraintSet): string | undefined {
  const names: [Constraint['kind'], string][] = [
    ...sans.emails.map((v) => ['email', v] as [Constraint['kind'], string]),
    ...sans.dnsNames.map((v) => ['dns', v] as [Constraint['kind'], string]),
    ...sans.uris.map((v) => ['uri', v] as [Constraint['kind'], string]),
    ...sans.ips.map((v) => ['ip', v] as [Constraint['kind'], string]),
  ];
  for (const [kind, name] of names) {
    try {
      const excluded = set.excluded.find((c) => c.kind === kind && matchers[kind](name, c.value));
      if (excluded) {
        return `x509: a root or intermediate certificate is not authorized for this name: ${labels[kind]} ${JSON.stringify(name)} is excluded by constraint ${JSON.stringify(excluded.value)}`;
      }
      const permitted = set.permitted.filter((c) => c.kind === kind);
      if (permitted.length > 0 && !permitted.some((c) => matchers[kind](name, c.value))) {
        return `x509: a root or intermediate certificate is not authorized to sign for this name: ${labels[kind]} ${JSON.stringify(name)} is not permitted by any constraint`;
      }
    } catch (e) {
      return `x509: ${(e as Error).message}`;
    }
  }
  return undefined;
}
