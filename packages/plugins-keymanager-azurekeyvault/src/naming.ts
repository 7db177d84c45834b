import { randomUUID } from 'node:crypto';

/** The prefix of every key name this plugin creates. */
export const KEY_NAME_PREFIX = 'spire-key';

/** The tags on every key this plugin creates. */
export const TAG = {
  /** The trust domain name of the server. */
  trustDomain: 'spire-server-td',
  /** The server's identifier (key_identifier_file / key_identifier_value). */
  serverId: 'spire-server-id',
} as const;

/** A new key name for a SPIRE key ID: `spire-key-<random UUID>-<key id>`. */
export function newKeyName(spireKeyId: string): string {
  return `${KEY_NAME_PREFIX}-${randomUUID()}-${spireKeyId}`;
}

/**
 * The SPIRE key ID in a key name made by {@link newKeyName} (everything after the prefix, the
 * UUID and their two dashes), or undefined when the name is too short to hold one.
 */
export function spireKeyIdFromKeyName(keyName: string): string | undefined {
  const start = KEY_NAME_PREFIX.length + 38;
  return start < keyName.length ? keyName.slice(start) : undefined;
}

/** The tags that mark a key as this server's. */
export function serverTags(trustDomain: string, serverId: string): Record<string, string> {
  return { [TAG.trustDomain]: trustDomain, [TAG.serverId]: serverId };
}
