import { isEntryExpired, type DataStore, type RegistrationEntry, type Selector } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import type { AuthorizedEntryFetcher } from './ports.js';

function selectorKey(s: Selector): string {
  return `${s.type}:${s.value}`;
}

/**
 * Computes an agent's authorized entries straight from the store, as SPIRE's entry cache does:
 * the node aliases whose selectors are all among the agent's node selectors, then every entry
 * descending from the agent ID or from those aliases. Entries past their expiry (`isEntryExpired`)
 * are left out, with what is reached only through them. Each call reads the store; the server
 * uses the event-driven cache instead.
 */
export class DataStoreAuthorizedEntries implements AuthorizedEntryFetcher {
  /** @param now the clock, in milliseconds (tests). */
  constructor(
    private readonly ds: DataStore,
    private readonly td: TrustDomain,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws what the store throws. Safe to call concurrently. */
  async fetchAuthorizedEntries(agentId: string): Promise<RegistrationEntry[]> {
    const serverId = `${this.td.idString()}/spire/server`;
    const nowSec = Math.floor(this.now() / 1000);
    const nodeSelectors = new Set((await this.ds.getNodeSelectors(agentId)).map(selectorKey));
    const aliases = (await this.ds.listRegistrationEntries({ byParentId: serverId })).entries.filter(
      (e) => !isEntryExpired(e, nowSec) && e.selectors.length > 0 && e.selectors.every((s) => nodeSelectors.has(selectorKey(s))),
    );
    const out = new Map<string, RegistrationEntry>();
    for (const a of aliases) out.set(a.entryId, a);
    const queue = [agentId, ...aliases.map((a) => a.spiffeId)];
    const seenParents = new Set<string>();
    while (queue.length > 0) {
      const parent = queue.shift()!;
      if (seenParents.has(parent)) continue;
      seenParents.add(parent);
      for (const e of (await this.ds.listRegistrationEntries({ byParentId: parent })).entries) {
        if (out.has(e.entryId) || isEntryExpired(e, nowSec)) continue;
        out.set(e.entryId, e);
        queue.push(e.spiffeId);
      }
    }
    return [...out.values()];
  }
}
