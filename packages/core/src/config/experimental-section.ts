import type { SectionReader } from './section-reader.js';
import type { KeyType } from '../plugins/keymanager/contract.js';
import type { ExperimentalConfig } from './types.js';
import { readKeyType } from './key-type.js';
import { loadLocalPolicy } from '../authpolicy/load.js';
import { PolicyProblems } from '../authpolicy/errors.js';

/** Developer feature flags SPIRE knows (`experimental.feature_flags`); "wit-svid" is refused here. */
export const FEATURE_FLAGS: readonly string[] = ['i_am_a_test_flag', 'wit-svid'];

const WIT_NOT_IMPLEMENTED = 'WIT-SVIDs are not implemented by this server (the SVID API answers Unimplemented); remove it';

/**
 * Why `named_pipe_name` is refused: off Windows in SPIRE's words; on Windows because this server
 * has no named pipe listener (the admin API is on socket_path everywhere).
 */
export function namedPipeProblem(platform: NodeJS.Platform): string {
  return platform === 'win32'
    ? 'named_pipe_name is not supported by this server; please use socket_path instead'
    : 'named_pipe_name is not supported in this platform; please use socket_path instead';
}

/**
 * Reads `server.experimental`, with SPIRE's defaults. The files of `auth_opa_policy_engine`
 * are read here (relative to `cwd`), so that `validate` and `run` refuse a policy this server
 * cannot enforce before anything starts.
 */
export function readExperimental(r: SectionReader | undefined, caKeyType: KeyType, cwd: string = process.cwd()): ExperimentalConfig {
  const out: ExperimentalConfig = {
    agentSpiffeIdAsSelector: false,
    cacheReloadIntervalMs: 5_000,
    fullCacheReloadIntervalMs: 24 * 3_600_000,
    eventsBasedCache: false,
    pruneEventsOlderThanMs: 12 * 3_600_000,
    eventTimeoutMs: 15 * 60_000,
    requirePqKem: false,
    witKeyType: caKeyType,
    featureFlags: [],
  };
  if (!r) return out;
  if (Object.keys(r.data).length > 0) {
    r.warn(undefined, 'Experimental features have been enabled. Please see doc/upgrading.md for upgrade and compatibility considerations for experimental features.');
  }
  out.agentSpiffeIdAsSelector = r.bool('agent_spiffe_id_as_selector') ?? false;
  const engine = r.block('auth_opa_policy_engine');
  if (engine) {
    out.authOpaPolicyEngine = {};
    const local = engine.block('local');
    if (local) {
      out.authOpaPolicyEngine.local = {
        regoPath: local.string('rego_path') ?? '',
        policyDataPath: local.string('policy_data_path') ?? '',
      };
      if (out.authOpaPolicyEngine.local.regoPath === '') local.problem('rego_path', 'must be configured');
      const loaded = loadLocalPolicy(out.authOpaPolicyEngine.local, cwd);
      for (const p of loaded.problems) local.problem(p.key, p.message);
      for (const w of loaded.warnings) local.warn(w.key, w.message);
      if (loaded.data) out.authOpaPolicyEngine.policy = loaded.data;
      local.finish();
    } else {
      engine.problem(undefined, PolicyProblems.noProvider);
    }
    engine.finish();
  }
  const present = (key: string): boolean => {
    const v = r.raw(key);
    return v !== undefined && v !== '';
  };
  const positive = (key: string, def: number): number => {
    if (!present(key)) return def;
    const v = r.duration(key, { nonNegative: true });
    return v === undefined || v === 0 ? def : v;
  };
  out.cacheReloadIntervalMs = positive('cache_reload_interval', out.cacheReloadIntervalMs);
  out.fullCacheReloadIntervalMs = positive('full_cache_reload_interval', out.fullCacheReloadIntervalMs);
  out.pruneEventsOlderThanMs = positive('prune_events_older_than', out.pruneEventsOlderThanMs);
  out.eventsBasedCache = r.bool('events_based_cache') ?? false;
  const hasEvent = present('event_timeout');
  const hasSql = present('sql_transaction_timeout');
  if (hasEvent && hasSql) {
    r.problem('sql_transaction_timeout', 'both experimental sql_transaction_timeout and event_timeout set, only set event_timeout');
  } else if (hasSql) {
    r.warn('sql_transaction_timeout', 'experimental.sql_transaction_timeout is deprecated, use experimental.event_timeout instead');
    out.eventTimeoutMs = positive('sql_transaction_timeout', out.eventTimeoutMs);
  }
  out.eventTimeoutMs = positive('event_timeout', out.eventTimeoutMs);
  out.requirePqKem = r.bool('require_pq_kem') ?? false;
  if (out.requirePqKem) {
    r.problem('require_pq_kem', 'post-quantum key exchange is not implemented by this server\'s TLS listeners; remove it or set it to false');
  }
  // WIT-SVIDs are SPIRE's and known here, but not implemented: their options are refused.
  if (readKeyType(r, 'wit_key_type') !== undefined) r.problem('wit_key_type', WIT_NOT_IMPLEMENTED);
  if (r.string('wit_issuer')) r.problem('wit_issuer', WIT_NOT_IMPLEMENTED);
  const flags = r.stringList('feature_flags') ?? [];
  const bad = flags.filter((f) => !FEATURE_FLAGS.includes(f)).sort();
  if (bad.length > 0) r.problem('feature_flags', `unknown feature flag(s): [${bad.join(' ')}]`);
  if (flags.includes('wit-svid')) r.problem('feature_flags', `feature flag "wit-svid": ${WIT_NOT_IMPLEMENTED}`);
  out.featureFlags = flags;
  for (const f of flags) if (FEATURE_FLAGS.includes(f) && f !== 'wit-svid') r.warn('feature_flags', `Developer feature flag ${JSON.stringify(f)} has been enabled`);
  const maxPending = r.int('max_pending_svids', { min: 1 });
  if (maxPending !== undefined) out.maxPendingSvids = maxPending;
  if (r.string('named_pipe_name')) r.problem('named_pipe_name', namedPipeProblem(process.platform));
  r.finish();
  return out;
}
