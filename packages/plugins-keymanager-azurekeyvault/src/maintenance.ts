import type { Logger } from '@spire-ts/core/plugin';
import { azureErrorText } from './errors.js';
import type { KeyEntry } from './key-entry.js';
import { TAG } from './naming.js';
import type { VaultClient } from './vault-client.js';

const HOUR = 3_600_000;

/** SPIRE's periods of the background tasks, and the age at which another server's key is stale. */
export const PERIODS = {
  refreshKeys: 6 * HOUR,
  disposeKeys: 48 * HOUR,
  maxStale: 14 * 24 * HOUR,
} as const;

/** What a maintenance task works with. */
export interface MaintenanceDeps {
  vault: VaultClient;
  log: Logger;
  trustDomain: string;
  serverId: string;
  now: () => Date;
  entries: () => KeyEntry[];
  enqueueDelete: (keyName: string) => void;
}

/**
 * Rewrites every cached key's operations (sign, verify) so that its Updated timestamp moves: a
 * key in use never looks stale to the other servers of the trust domain. A key that cannot be
 * read is skipped with a warning. Returns the errors of the updates joined, or undefined.
 */
export async function refreshKeys(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Refreshing keys');
  const errors: string[] = [];
  for (const entry of d.entries()) {
    try {
      await d.vault.getKey(entry.keyName, entry.keyVersion);
    } catch {
      d.log.warn({ key_name: entry.keyName }, 'failed fetching cached key to refresh it');
      continue;
    }
    try {
      await d.vault.touchKey(entry.keyName, entry.keyVersion);
    } catch (e) {
      d.log.error({ key_id: entry.kid, reason: azureErrorText(e) }, 'Failed to refresh key');
      errors.push(azureErrorText(e));
    }
  }
  return errors.length > 0 ? errors.join(': ') : undefined;
}

/**
 * Queues for deletion the keys of this trust domain that belong to other servers and were not
 * updated for two weeks (this server's own replaced keys are queued when they are replaced).
 * Returns the listing error, or undefined.
 */
export async function disposeKeys(d: MaintenanceDeps): Promise<string | undefined> {
  d.log.debug('Looking for keys in trust domain to dispose');
  const staleBefore = d.now().getTime() - PERIODS.maxStale;
  try {
    for await (const key of d.vault.listKeys()) {
      if (key.tags[TAG.trustDomain] !== d.trustDomain) continue;
      if (key.tags[TAG.serverId] === d.serverId) continue;
      if (key.updatedOn && key.updatedOn.getTime() < staleBefore) d.enqueueDelete(key.name);
    }
  } catch (e) {
    d.log.error({ reason: azureErrorText(e) }, 'Failed to list keys to dispose');
    return azureErrorText(e);
  }
  return undefined;
}
