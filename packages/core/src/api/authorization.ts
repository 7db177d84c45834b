import { Code, SpireError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isEntryExpired, type DataStore, type RegistrationEntry } from '../plugins/datastore/contract.js';
import type { CallerInfo } from './caller.js';
import type { EntryScope } from '../authpolicy/entry-scope.js';
import type { AttestedNodeCache } from '../cache/attested-node-cache.js';
import type { PolicyEngine } from '../authpolicy/engine.js';
import { DeniedReason, withDeniedReason } from './denied-details.js';

/** What the authorizer found the caller to be. */
export interface AuthorizedCaller {
  /**
   * How the call was allowed: any, local, admin, downstream, agent, or `caller` (an
   * `allow_callers` rule of the policy data named the caller).
   */
  as: 'any' | 'local' | 'admin' | 'downstream' | 'agent' | 'caller';
  /** The downstream entries matching the caller, when it was allowed as downstream. */
  downstreamEntries?: RegistrationEntry[];
  /**
   * When allowed as `caller` by rules with `entries` constraints: the entries the caller may read
   * and write. Entry handlers check every entry they read or write against it.
   */
  entryScope?: EntryScope;
}

/** What authorization reads. */
export interface AuthorizerDeps {
  dataStore: DataStore;
  /** admin_ids, as ID strings (any trust domain). */
  adminIds: ReadonlySet<string>;
  /** The authorization policy (SPIRE's default policy data unless auth_opa_policy_engine says otherwise). */
  policy: PolicyEngine;
  /**
   * Attested nodes an agent's serial number may be checked against without a store read, within
   * `max_attested_node_info_staleness` (absent or off: every agent call reads the store).
   */
  nodeCache?: AttestedNodeCache;
  now?: () => Date;
}

function denied(method: string, reason?: string, why?: DeniedReason): SpireError {
  const e = new SpireError(Code.PERMISSION_DENIED, `authorization denied for method ${method}`, reason ? { cause: new Error(reason) } : undefined);
  return why === undefined ? e : withDeniedReason(e, why);
}

/**
 * Decides whether `caller` may call `method`: the policy's result for the method (SPIRE's
 * decision model: allow, allow_if_local, allow_if_admin, allow_if_downstream, allow_if_agent) is
 * reconciled with the caller in SPIRE's order: open methods, then the admin socket, admin_ids,
 * admin/downstream entries of the caller's ID (entries past their expiry do not count), then our
 * `allow_callers` rules, then agents (by SVID serial). This is the only place a call is
 * authorized. Throws PERMISSION_DENIED "authorization denied for method <m>" (the reason is
 * logged) or INTERNAL when the store fails. Activates an agent's new SVID serial, as SPIRE does.
 */
export async function authorize(method: string, caller: CallerInfo, deps: AuthorizerDeps, log: Logger): Promise<AuthorizedCaller> {
  const r = deps.policy.eval(method);
  const p = { any: r.allow, local: r.allowIfLocal, admin: r.allowIfAdmin, downstream: r.allowIfDownstream, agent: r.allowIfAgent };
  if (p.any) return { as: 'any' };
  if (p.local && caller.transport === 'uds') return { as: 'local' };
  const svid = caller.svid;
  if (p.admin && svid && deps.adminIds.has(svid.id.toString())) return { as: 'admin' };

  if ((p.admin || p.downstream) && svid) {
    let entries: RegistrationEntry[];
    try {
      entries = (await deps.dataStore.listRegistrationEntries({ bySpiffeId: svid.id.toString() })).entries;
    } catch (err) {
      throw new SpireError(Code.INTERNAL, `failed to fetch caller entries: ${errorMessage(err)}`, { cause: err });
    }
    // An entry past its expiry grants nothing, even before the registration manager prunes it.
    const nowSec = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
    entries = entries.filter((e) => !isEntryExpired(e, nowSec));
    if (p.admin && entries.some((e) => e.admin)) return { as: 'admin' };
    if (p.downstream) {
      const ds = entries.filter((e) => e.downstream);
      if (ds.length > 0) return { as: 'downstream', downstreamEntries: ds };
    }
  }

  if (svid && caller.transport === 'tcp') {
    const grant = deps.policy.callerGrant(method, svid.id.toString());
    if (grant) return grant.scope ? { as: 'caller', entryScope: grant.scope } : { as: 'caller' };
  }

  if (p.agent && caller.transport === 'tcp') {
    if (!svid) {
      log.warn({ method }, 'Caller does not have an X509-SVID');
      throw denied(method, 'caller does not have an X509-SVID');
    }
    await authorizeAgent(method, svid, deps, log);
    return { as: 'agent' };
  }
  log.warn({ method, caller_addr: caller.addr, caller_id: svid?.id.toString() }, 'Authorization denied');
  throw denied(method);
}

async function authorizeAgent(method: string, svid: NonNullable<CallerInfo['svid']>, deps: AuthorizerDeps, log: Logger): Promise<void> {
  const id = svid.id.toString();
  const now = deps.now?.() ?? new Date();
  if (now > svid.notAfter) {
    log.error({ caller_id: id }, 'Agent SVID is expired');
    throw denied(method, `agent "${id}" SVID is expired`, DeniedReason.AGENT_EXPIRED);
  }
  const cache = deps.nodeCache;
  // A node read within max_attested_node_info_staleness whose current serial is the caller's
  // vouches for it; anything else is read from the store again.
  if (cache?.vouchesFor(id, svid.serialNumber)) return;
  let node;
  try {
    node = cache ? await cache.fetch(id) : await deps.dataStore.fetchAttestedNode(id);
  } catch (err) {
    throw new SpireError(Code.INTERNAL, `unable to look up agent information: ${errorMessage(err)}`, { cause: err });
  }
  if (!node) {
    log.error({ caller_id: id }, 'Agent is not attested');
    throw denied(method, `agent "${id}" is not attested`, DeniedReason.AGENT_NOT_ATTESTED);
  }
  if (node.certSerialNumber === '') {
    log.error({ caller_id: id }, 'Agent is banned');
    throw denied(method, `agent "${id}" is banned`, DeniedReason.AGENT_BANNED);
  }
  if (node.certSerialNumber === svid.serialNumber) return;
  if (node.newCertSerialNumber !== '' && node.newCertSerialNumber === svid.serialNumber) {
    try {
      await deps.dataStore.updateAttestedNode(
        { ...node, certSerialNumber: node.newCertSerialNumber, certNotAfter: node.newCertNotAfter, newCertSerialNumber: '', newCertNotAfter: 0 },
        { certSerialNumber: true, certNotAfter: true, newCertSerialNumber: true, newCertNotAfter: true },
      );
    } catch (err) {
      throw new SpireError(Code.INTERNAL, `unable to activate the new agent SVID: ${errorMessage(err)}`, { cause: err });
    }
    return;
  }
  log.error({ caller_id: id, svid_serial_number: svid.serialNumber, serial_number: node.certSerialNumber }, 'Agent SVID is not active');
  throw denied(method, `agent "${id}" expected to have serial number "${node.certSerialNumber}"; has "${svid.serialNumber}"`, DeniedReason.AGENT_NOT_ACTIVE);
}
