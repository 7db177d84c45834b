import { IdErrors, SpiffeIdError } from './errors.js';

const MAX_TD_BYTES = 255;

function isTdChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2e || // .
    c === 0x2d || // -
    c === 0x5f // _
  );
}

/** Throws SpiffeIdError when `name` is not a valid trust domain name. */
export function validateTrustDomainName(name: string): void {
  if (name.length === 0) throw new SpiffeIdError(IdErrors.missingTrustDomain);
  if (Buffer.byteLength(name, 'utf8') > MAX_TD_BYTES) throw new SpiffeIdError(IdErrors.trustDomainTooLong);
  for (let i = 0; i < name.length; i++) {
    if (!isTdChar(name.charCodeAt(i))) throw new SpiffeIdError(IdErrors.badTrustDomainChar);
  }
}

/**
 * A trust domain: a lowercase name such as `example.org`. Immutable; compare with `equals` or by
 * `name`.
 */
export class TrustDomain {
  private constructor(readonly name: string) {}

  /**
   * Parses a trust domain name, or the SPIFFE ID form `spiffe://example.org` (a path is not
   * allowed there). Throws SpiffeIdError.
   */
  static parse(s: string): TrustDomain {
    if (s.includes(':/')) {
      // Local import avoided: the ID parser is the one authority on ID shapes.
      const id = parseIdParts(s);
      if (id.path !== '') throw new SpiffeIdError('trust domain cannot have a path');
      return new TrustDomain(id.td);
    }
    validateTrustDomainName(s);
    return new TrustDomain(s);
  }

  /** `spiffe://<name>`. */
  idString(): string {
    return `spiffe://${this.name}`;
  }

  equals(other: TrustDomain): boolean {
    return this.name === other.name;
  }

  toString(): string {
    return this.name;
  }
}

function isPathChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2e ||
    c === 0x2d ||
    c === 0x5f
  );
}

/** Throws SpiffeIdError when `path` is not a valid SPIFFE ID path ('' is valid). */
export function validatePath(path: string): void {
  if (path === '') return;
  if (path[0] !== '/') throw new SpiffeIdError(IdErrors.noLeadingSlash);
  let segStart = 1;
  for (let i = 1; i <= path.length; i++) {
    if (i === path.length || path[i] === '/') {
      const seg = path.slice(segStart, i);
      if (seg === '') {
        throw new SpiffeIdError(i === path.length ? IdErrors.trailingSlash : IdErrors.emptySegment);
      }
      if (seg === '.' || seg === '..') throw new SpiffeIdError(IdErrors.dotSegment);
      segStart = i + 1;
      continue;
    }
    if (!isPathChar(path.charCodeAt(i))) throw new SpiffeIdError(IdErrors.badPathChar);
  }
}

const SCHEME = 'spiffe://';

/** Splits and validates a SPIFFE ID string. Throws SpiffeIdError. */
export function parseIdParts(s: string): { td: string; path: string } {
  if (s === '') throw new SpiffeIdError(IdErrors.empty);
  if (!s.startsWith(SCHEME)) throw new SpiffeIdError(IdErrors.badScheme);
  if (Buffer.byteLength(s, 'utf8') > 2048) throw new SpiffeIdError(IdErrors.idTooLong);
  const rest = s.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const td = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  // Ports, userinfo, queries and fragments all show up as characters outside the allowed sets.
  validateTrustDomainName(td);
  validatePath(path);
  return { td, path };
}
