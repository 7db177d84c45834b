import type { Logger } from '@spire-ts/core/plugin';
import { AzureKeyVaultErrors } from './errors.js';
import { describeJwk, keyTypeOfJwk, makeEntry, type KeyEntry } from './key-entry.js';
import { TAG, spireKeyIdFromKeyName } from './naming.js';
import type { VaultClient, VaultKeyProperties } from './vault-client.js';

/** Who is looking for its keys. */
export interface FetchDeps {
  vault: VaultClient;
  log: Logger;
  trustDomain: string;
  serverId: string;
}

/** True when the key's tags name this trust domain and this server. */
export function belongsToServer(key: VaultKeyProperties, trustDomain: string, serverId: string): boolean {
  return key.tags[TAG.trustDomain] === trustDomain && key.tags[TAG.serverId] === serverId;
}

async function entryOf(d: FetchDeps, name: string, spireKeyId: string): Promise<KeyEntry> {
  let k;
  try {
    k = await d.vault.getKey(name, '');
  } catch (e) {
    throw AzureKeyVaultErrors.fetchKeyDetails(e);
  }
  // A key disabled from outside is an error, so that the operator can enable it again.
  if (k.enabled === false) throw AzureKeyVaultErrors.disabledKey(k.kid, k.name);
  const keyType = keyTypeOfJwk(k.jwk);
  if (!keyType) throw AzureKeyVaultErrors.unsupportedKeySpec(describeJwk(k.jwk));
  return makeEntry(spireKeyId, keyType, k.kid, k.name, k.version, k.jwk);
}

/**
 * This server's keys in the vault: every key tagged with this trust domain and server ID whose
 * name holds a SPIRE key ID, read (newest version) in parallel. Throws SPIRE's errors: listing
 * fails (`failed while listing keys`), or one key cannot be read, is disabled or of another
 * type (`failed to fetch key entry details: …`, with that error's code).
 */
export async function fetchKeyEntries(d: FetchDeps): Promise<KeyEntry[]> {
  const reads: Promise<KeyEntry>[] = [];
  try {
    for await (const key of d.vault.listKeys()) {
      if (!belongsToServer(key, d.trustDomain, d.serverId)) continue;
      const spireKeyId = spireKeyIdFromKeyName(key.name);
      if (spireKeyId === undefined) {
        d.log.warn({ key_name: key.name }, 'Could not get SPIRE Key ID from key');
        continue;
      }
      const read = entryOf(d, key.name, spireKeyId);
      read.catch(() => undefined);
      reads.push(read);
    }
  } catch (e) {
    throw AzureKeyVaultErrors.listKeys(e);
  }
  try {
    return await Promise.all(reads);
  } catch (e) {
    throw AzureKeyVaultErrors.keyEntryDetails(e);
  }
}
