import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { SpiffeId, TrustDomain } from '../spiffeid/index.js';
import { bindAddressHost, type BindAddressLookup } from './bind-address.js';
import { cidrProblem } from './cidr.js';
import { readExperimental } from './experimental-section.js';
import { readFederation } from './federation-section.js';
import { readKeyType } from './key-type.js';
import type { SectionReader } from './section-reader.js';
import { ttlWarning } from './ttl-checks.js';
import type { CaSubject, LogFormat, LogLevel, ServerSection } from './types.js';

/** SPIRE's default admin socket on Unix. */
export const DEFAULT_SOCKET_PATH = '/tmp/spire-server/private/api.sock';
/** The profiles SPIRE can dump (`profiling_names`). */
export const PROFILING_NAMES: readonly string[] = ['goroutine', 'threadcreate', 'heap', 'block', 'mutex', 'trace', 'cpu'];

const LOG_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
  panic: 'PANIC',
};

function readLogLevel(r: SectionReader): LogLevel {
  const s = r.string('log_level');
  if (s === undefined || s === '') return 'INFO';
  const level = LOG_LEVELS[s.toLowerCase()];
  if (!level) r.problem('log_level', `invalid log level ${JSON.stringify(s)}; must be one of DEBUG, INFO, WARN or ERROR`);
  return level ?? 'INFO';
}

function readLogFormat(r: SectionReader): LogFormat {
  const s = r.string('log_format');
  if (s === undefined || s === '' || s.toLowerCase() === 'text') return 'text';
  if (s.toLowerCase() === 'json') return 'json';
  r.problem('log_format', `unknown logger format: ${JSON.stringify(s)}; must be text or json`);
  return 'text';
}

function readCaSubject(r: SectionReader): CaSubject {
  const def: CaSubject = { country: ['US'], organization: ['SPIFFE'], commonName: '' };
  const b = r.block('ca_subject');
  if (!b) return def;
  const subject: CaSubject = {
    country: b.stringList('country') ?? [],
    organization: b.stringList('organization') ?? [],
    commonName: b.string('common_name') ?? '',
  };
  b.finish();
  if (subject.country.length === 0 && subject.organization.length === 0 && subject.commonName === '') {
    r.warn('ca_subject', 'ca_subject configurable is set but empty; the default will be used');
    return def;
  }
  return subject;
}

/** A TTL option: absent, empty or 0 gives the default (as SPIRE's CA treats 0). */
function ttl(r: SectionReader, key: string, def: number): number {
  const raw = r.raw(key);
  if (raw === undefined || raw === '') return def;
  const v = r.duration(key, { nonNegative: true });
  return v === undefined || v === 0 ? def : v;
}

/**
 * Reads the `server { }` block (with flag values already merged in), applying SPIRE's defaults
 * and checks. Returns undefined when a value the rest of the config needs (the trust domain) is
 * unusable; every problem is recorded in the reader's context either way. A bind_address that is
 * not an IP (with a usable bind_port) is handed to `lookupLater` to be resolved after reading.
 */
export function readServerSection(r: SectionReader, cwd: string, lookupLater?: (l: BindAddressLookup) => void): ServerSection | undefined {
  const bindRaw = r.has('bind_address') ? (r.string('bind_address') ?? '') : '0.0.0.0';
  const bindAddress = bindAddressHost(bindRaw);
  const bindPort = r.has('bind_port') ? r.int('bind_port') : 8081;
  if (bindRaw === '') r.problem('bind_address', 'must be configured');
  if (bindPort === 0) r.problem('bind_port', 'must be configured');
  else if (bindPort !== undefined && (bindPort < 0 || bindPort > 65535)) r.problem('bind_port', `invalid port ${bindPort}: must be between 1 and 65535`);
  else if (bindPort !== undefined && bindRaw !== '' && isIP(bindAddress) === 0) {
    lookupLater?.({ raw: bindRaw, port: bindPort, problem: (message) => r.problemFor('bind_address', message) });
  }

  let trustDomain: TrustDomain | undefined;
  const tdRaw = r.string('trust_domain');
  if (tdRaw === '' || (tdRaw === undefined && !r.has('trust_domain'))) {
    r.problem('trust_domain', 'must be configured');
  } else if (tdRaw !== undefined) {
    try {
      trustDomain = TrustDomain.parse(tdRaw);
    } catch (err) {
      r.problem('trust_domain', `could not parse trust_domain ${JSON.stringify(tdRaw)}: ${(err as Error).message}`);
    }
  }

  const dataDirRaw = r.string('data_dir') ?? '';
  if (dataDirRaw === '') r.problem('data_dir', 'must be configured');
  const dataDir = dataDirRaw === '' ? '' : resolve(cwd, dataDirRaw);
  const socketRaw = r.string('socket_path') || DEFAULT_SOCKET_PATH;

  const logLevel = readLogLevel(r);
  const logFormat = readLogFormat(r);
  const logFile = r.string('log_file') || undefined;
  const logSourceLocation = r.bool('log_source_location') ?? false;

  const caKeyType = readKeyType(r, 'ca_key_type') ?? 'ec-p256';
  const jwtKeyType = readKeyType(r, 'jwt_key_type') ?? caKeyType;

  const caTtlMs = ttl(r, 'ca_ttl', 24 * 3_600_000);
  const defaultX509SvidTtlMs = ttl(r, 'default_x509_svid_ttl', 3_600_000);
  const defaultJwtSvidTtlMs = ttl(r, 'default_jwt_svid_ttl', 5 * 60_000);
  const agentTtlRaw = r.raw('agent_ttl');
  const agentTtlMs = agentTtlRaw === undefined || agentTtlRaw === '' ? undefined : r.duration('agent_ttl', { nonNegative: true }) || undefined;
  const checks: [string, number][] = [
    ['default_x509_svid_ttl', defaultX509SvidTtlMs],
    ['default_jwt_svid_ttl', defaultJwtSvidTtlMs],
  ];
  if (agentTtlMs) checks.push(['agent_ttl', agentTtlMs]);
  for (const [name, value] of checks) {
    const w = ttlWarning(name, caTtlMs, value);
    if (w) r.warn(name, w);
  }

  const caSubject = readCaSubject(r);
  const excludeSnFromCaSubject = r.bool('exclude_sn_from_ca_subject') ?? false;
  const jwtIssuer = r.string('jwt_issuer') || undefined;

  const adminIds = r.stringList('admin_ids') ?? [];
  for (const id of adminIds) {
    try {
      SpiffeId.parse(id);
    } catch (err) {
      r.problem('admin_ids', `could not parse admin ID ${JSON.stringify(id)}: ${(err as Error).message}`);
    }
  }

  const ratelimitR = r.block('ratelimit');
  const ratelimit = { attestation: ratelimitR?.bool('attestation') ?? true, signing: ratelimitR?.bool('signing') ?? true };
  ratelimitR?.finish();

  const proxyProtocolTrustedCidrs = r.stringList('proxy_protocol_trusted_cidrs') ?? [];
  let cidrsValid = true;
  for (const c of proxyProtocolTrustedCidrs) {
    const p = cidrProblem(c);
    if (p) r.problem('proxy_protocol_trusted_cidrs', `invalid proxy_protocol_trusted_cidrs value ${JSON.stringify(c)}: ${p}`);
    cidrsValid &&= p === undefined;
  }
  // Accepting the list would silently leave PROXY headers unread (and rate limits per proxy IP).
  if (proxyProtocolTrustedCidrs.length > 0 && cidrsValid) {
    r.problem('proxy_protocol_trusted_cidrs', 'PROXY protocol is not implemented by this server (the server API does not read PROXY headers); remove it or leave it empty');
  }

  const pruneRaw = r.raw('prune_attested_nodes_expired_for');
  const pruneAttestedNodesExpiredForMs =
    pruneRaw === undefined || pruneRaw === '' ? undefined : r.duration('prune_attested_nodes_expired_for', { nonNegative: true });
  const pruneAttestedNodesBatchSize = r.int('prune_attested_nodes_batch_size', { min: 1 }) ?? 1000;
  const pruneTofuNodes = r.bool('prune_tofu_nodes') ?? false;
  const staleRaw = r.raw('max_attested_node_info_staleness');
  const maxAttestedNodeInfoStalenessMs =
    staleRaw === undefined || staleRaw === '' ? 0 : (r.duration('max_attested_node_info_staleness', { nonNegative: true }) ?? 0);

  const profilingEnabled = r.bool('profiling_enabled') ?? false;
  const profilingPort = r.int('profiling_port', { min: 0, max: 65535 }) ?? 0;
  const profilingFreq = r.int('profiling_freq', { min: 0 }) ?? 0;
  const profilingNames = r.stringList('profiling_names') ?? [];
  for (const n of profilingNames) {
    if (!PROFILING_NAMES.includes(n)) {
      r.problem('profiling_names', `unknown profile ${JSON.stringify(n)}; must be one of ${PROFILING_NAMES.join(', ')}`);
    }
  }

  const auditLogEnabled = r.bool('audit_log_enabled') ?? false;
  const disableJwtSvids = r.bool('disable_jwt_svids') ?? false;
  const federation = readFederation(r.block('federation'), dataDir);
  const experimental = readExperimental(r.block('experimental'), caKeyType, cwd);
  r.finish();

  if (!trustDomain) return undefined;
  return {
    trustDomain,
    bindAddress,
    bindPort: bindPort ?? 8081,
    socketPath: resolve(cwd, socketRaw),
    dataDir,
    logLevel,
    logFormat,
    ...(logFile !== undefined ? { logFile } : {}),
    logSourceLocation,
    caKeyType,
    jwtKeyType,
    caTtlMs,
    defaultX509SvidTtlMs,
    defaultJwtSvidTtlMs,
    ...(agentTtlMs !== undefined ? { agentTtlMs } : {}),
    caSubject,
    ...(jwtIssuer !== undefined ? { jwtIssuer } : {}),
    adminIds,
    auditLogEnabled,
    excludeSnFromCaSubject,
    disableJwtSvids,
    ratelimit,
    federation,
    experimental,
    proxyProtocolTrustedCidrs,
    ...(pruneAttestedNodesExpiredForMs !== undefined ? { pruneAttestedNodesExpiredForMs } : {}),
    pruneAttestedNodesBatchSize,
    pruneTofuNodes,
    maxAttestedNodeInfoStalenessMs,
    profilingEnabled,
    profilingPort,
    profilingFreq,
    profilingNames,
  };
}
