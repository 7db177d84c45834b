import { SpireError } from '../errors.js';
import type { ProtoAgent } from './convert/agent.js';
import type { ProtoSpiffeId } from './convert/ids.js';

/** One agent `agent purge` found expired: whether it was deleted, and why not when it failed. */
export interface PurgedAgent {
  agent_id: string;
  deleted: boolean;
  error?: string;
}

/** The two Agent API calls a purge makes, as the caller reaches the API (CLI client, console pipeline). */
export interface PurgeCalls {
  /** ListAgents with the request given. */
  listAgents(req: object): Promise<{ agents: ProtoAgent[] }>;
  /** DeleteAgent of one agent; rejects with the API's error. */
  deleteAgent(id: ProtoSpiffeId): Promise<void>;
}

/** What `agent purge` asks for: agents that can re-attest, with their SVID expiry only. */
const PURGE_LIST_REQUEST = { filter: { by_can_reattest: { value: true } }, output_mask: { x509svid_expires_at: true } };

/**
 * `spire-server agent purge`'s selection and deletion: every agent that can re-attest and whose
 * X509-SVID expired more than `expiredForMs` before `nowMs` is deleted (unless `dryRun`), one at a
 * time; a failed delete is reported in its result, not thrown. Rejects when the listing fails, with
 * `failed to list agents: <message>` (a SpireError keeps its code).
 */
export async function purgeExpiredAgents(calls: PurgeCalls, opts: { expiredForMs: number; dryRun: boolean; nowMs: number }): Promise<PurgedAgent[]> {
  let agents: ProtoAgent[];
  try {
    agents = (await calls.listAgents(PURGE_LIST_REQUEST)).agents;
  } catch (err) {
    const message = `failed to list agents: ${(err as Error).message}`;
    throw err instanceof SpireError ? new SpireError(err.code, message, { cause: err }) : new Error(message, { cause: err });
  }
  const expired: PurgedAgent[] = [];
  for (const a of agents) {
    if (opts.nowMs - Number(a.x509svid_expires_at) * 1000 <= opts.expiredForMs) continue;
    const r: PurgedAgent = { agent_id: `spiffe://${a.id!.trust_domain}${a.id!.path}`, deleted: false };
    if (!opts.dryRun) {
      try {
        await calls.deleteAgent(a.id!);
        r.deleted = true;
      } catch (err) {
        r.error = (err as Error).message;
      }
    }
    expired.push(r);
  }
  return expired;
}
