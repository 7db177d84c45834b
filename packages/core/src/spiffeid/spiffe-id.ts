import { IdErrors, SpiffeIdError } from './errors.js';
import { parseIdParts, TrustDomain, validatePath } from './trust-domain.js';

/**
 * A SPIFFE ID, valid by every rule of the SPIFFE-ID standard: scheme `spiffe`, a lowercase trust
 * domain of [a-z0-9._-] up to 255 bytes, path segments of [a-zA-Z0-9._-] with no empty, `.` or
 * `..` segment, no trailing slash, no query, fragment, port or userinfo, and 2048 bytes at most.
 */
export class SpiffeId {
  private constructor(
    readonly trustDomain: TrustDomain,
    readonly path: string,
  ) {}

  /** Parses an ID string. Throws SpiffeIdError naming the broken rule. */
  static parse(s: string): SpiffeId {
    const { td, path } = parseIdParts(s);
    return new SpiffeId(TrustDomain.parse(td), path);
  }

  /** Builds an ID from a trust domain and a path ('' or starting with '/'). Throws SpiffeIdError. */
  static fromPath(td: TrustDomain, path: string): SpiffeId {
    validatePath(path);
    const id = new SpiffeId(td, path);
    if (Buffer.byteLength(id.toString(), 'utf8') > 2048) {
      throw new SpiffeIdError(IdErrors.idTooLong);
    }
    return id;
  }

  /** Builds an ID from path segments, each checked. */
  static fromSegments(td: TrustDomain, ...segments: string[]): SpiffeId {
    // A slash inside a segment would silently make two segments.
    if (segments.some((s) => s.includes('/'))) throw new SpiffeIdError(IdErrors.badPathChar);
    return SpiffeId.fromPath(td, segments.map((s) => `/${s}`).join(''));
  }

  /** True when `s` is a valid SPIFFE ID. */
  static isValid(s: string): boolean {
    try {
      parseIdParts(s);
      return true;
    } catch {
      return false;
    }
  }

  /** True when the ID belongs to `td`. */
  memberOf(td: TrustDomain): boolean {
    return this.trustDomain.equals(td);
  }

  equals(other: SpiffeId): boolean {
    return this.toString() === other.toString();
  }

  toString(): string {
    return `spiffe://${this.trustDomain.name}${this.path}`;
  }
}

/** The server's own ID, `spiffe://<td>/spire/server`. */
export function serverId(td: TrustDomain): SpiffeId {
  return SpiffeId.fromPath(td, '/spire/server');
}

/** True when `id` is an agent ID: in `td` and under `/spire/agent/`. */
export function isAgentPath(id: SpiffeId, td: TrustDomain): boolean {
  return id.memberOf(td) && id.path.startsWith('/spire/agent/');
}

/** Builds `spiffe://<td>/spire/agent/<segments...>`. */
export function agentId(td: TrustDomain, ...segments: string[]): SpiffeId {
  return SpiffeId.fromSegments(td, 'spire', 'agent', ...segments);
}
