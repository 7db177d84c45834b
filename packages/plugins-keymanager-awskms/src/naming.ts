/**
 * SPIRE's names for what aws_kms keeps in KMS: alias names, key descriptions and discovery tags.
 * Every prefix used to match names ends with `/`, so a trust domain or server ID that is a prefix
 * of another (`example_org` and `example_org2`) never matches the other's names.
 */

/** The root of every SPIRE alias. */
export const ALIAS_ROOT = 'alias/SPIRE_SERVER/';
/** The root of every SPIRE key description. */
export const DESCRIPTION_ROOT = 'SPIRE_SERVER_KEY/';

/** Tag names of tag-based discovery. */
export const TAG = {
  trustDomain: 'spire-server-td',
  serverId: 'spire-server-id',
  lastUpdate: 'spire-last-update',
  active: 'spire-active',
  keyId: 'spire-key-id',
} as const;

/** The trust domain as aliases spell it: dots become underscores. */
export function sanitizeTrustDomain(td: string): string {
  return td.replaceAll('.', '_');
}

/** KMS alias names allow neither `.` nor `+`; SPIRE escapes them as `_2e` and `_2b`. */
export function encodeKeyId(keyId: string): string {
  return keyId.replaceAll('.', '_2e').replaceAll('+', '_2b');
}

/** The reverse of {@link encodeKeyId}. */
export function decodeKeyId(encoded: string): string {
  return encoded.replaceAll('_2e', '.').replaceAll('_2b', '+');
}

/** The names of one server's keys in one trust domain. */
export class KeyNaming {
  constructor(
    /** The trust domain name, as configured (`example.org`). */
    readonly trustDomain: string,
    readonly serverId: string,
  ) {}

  /** `alias/SPIRE_SERVER/<td_s>/`: every alias of the trust domain. */
  get trustDomainAliasPrefix(): string {
    return `${ALIAS_ROOT}${sanitizeTrustDomain(this.trustDomain)}/`;
  }

  /** `alias/SPIRE_SERVER/<td_s>/<server id>/`: this server's aliases. */
  get serverAliasPrefix(): string {
    return `${this.trustDomainAliasPrefix}${this.serverId}/`;
  }

  /** `SPIRE_SERVER_KEY/<td_s>/`: every key description of the trust domain. */
  get descriptionPrefix(): string {
    return `${DESCRIPTION_ROOT}${sanitizeTrustDomain(this.trustDomain)}/`;
  }

  /** The alias of a SPIRE key ID. */
  alias(keyId: string): string {
    return `${this.serverAliasPrefix}${encodeKeyId(keyId)}`;
  }

  /** The description of a SPIRE key ID's KMS key. */
  description(keyId: string): string {
    return `${this.descriptionPrefix}${keyId}`;
  }

  /** The SPIRE key ID of one of this server's aliases; undefined for any other alias. */
  keyIdOfAlias(aliasName: string): string | undefined {
    const prefix = this.serverAliasPrefix;
    if (!aliasName.startsWith(prefix) || aliasName.length === prefix.length) return undefined;
    return decodeKeyId(aliasName.slice(prefix.length));
  }

  /** The discovery tags every key of this server carries in tag mode (without key ID and last update). */
  serverTags(): { TagKey: string; TagValue: string }[] {
    return [
      { TagKey: TAG.trustDomain, TagValue: this.trustDomain },
      { TagKey: TAG.serverId, TagValue: this.serverId },
      { TagKey: TAG.active, TagValue: 'true' },
    ];
  }
}
