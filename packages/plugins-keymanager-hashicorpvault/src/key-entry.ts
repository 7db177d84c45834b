/**
 * How SPIRE's hashicorp_vault names its Transit keys (`<server ID>-<UUID>-<SPIRE key ID>`) and
 * turns a Transit key into a managed key: the public key (PEM in the latest version), the type,
 * and the fingerprint (hex SHA-256 of the DER SubjectPublicKeyInfo).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { KeyType, PublicKey } from '@spire-ts/core/plugin';
import { HashicorpVaultErrors as E } from './errors.js';
import type { TransitKeyEntry, TransitKeyType } from './transit-client.js';

const UUID_LENGTH = 36;

/** Transit's name of each contract key type. */
export const TRANSIT_TYPE: Record<KeyType, TransitKeyType> = { 'ec-p256': 'ecdsa-p256', 'ec-p384': 'ecdsa-p384', 'rsa-2048': 'rsa-2048', 'rsa-4096': 'rsa-4096' };
const CONTRACT_TYPE: Record<string, KeyType> = Object.fromEntries(Object.entries(TRANSIT_TYPE).map(([k, v]) => [v, k as KeyType]));

/** A managed key and the Transit key holding it. */
export interface KeyEntry {
  keyName: string;
  publicKey: PublicKey;
  /** When Transit made the key (epoch ms). */
  createdAt: number;
}

/** A new key name for `keyId`: a fresh UUID between the server ID and the key ID. */
export function newKeyName(serverId: string, keyId: string): string {
  return `${serverId}-${randomUUID()}-${keyId}`;
}

/** The SPIRE key ID in a key name of this server, or undefined for any other name. */
export function spireKeyIdFromKeyName(keyName: string, serverId: string): string | undefined {
  const prefix = `${serverId}-`;
  if (!keyName.startsWith(prefix)) return undefined;
  const rest = keyName.slice(prefix.length);
  if (rest.length <= UUID_LENGTH + 1 || rest[UUID_LENGTH] !== '-') return undefined;
  return rest.slice(UUID_LENGTH + 1);
}

/**
 * The entry of a Transit key of this server, or undefined when the key is another server's.
 * Throws INTERNAL (SPIRE's messages) when the key's data does not make a supported public key.
 */
export function keyEntryOf(k: TransitKeyEntry, serverId: string): KeyEntry | undefined {
  const id = spireKeyIdFromKeyName(k.name, serverId);
  if (id === undefined) return undefined;
  const pem = k.latest.public_key;
  if (pem === undefined) throw E.transit('expected public key to be present');
  if (typeof pem !== 'string') throw E.transit(`expected public key data type string but got ${typeof pem}`);
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem);
  if (!m) throw E.transit('unable to decode PEM key');
  const type = CONTRACT_TYPE[k.type];
  if (!type) throw E.unsupportedKeyType(k.type);
  const created = typeof k.latest.creation_time === 'string' ? Date.parse(k.latest.creation_time) : NaN;
  if (Number.isNaN(created)) throw E.transit(k.latest.creation_time === undefined ? 'key data is missing creation_time' : `failed to parse creation_time ${JSON.stringify(k.latest.creation_time)}`);
  const pkixData = new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return { keyName: k.name, createdAt: created, publicKey: { id, type, pkixData, fingerprint: createHash('sha256').update(pkixData).digest('hex') } };
}
