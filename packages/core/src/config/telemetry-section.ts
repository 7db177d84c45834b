import { SpiffeId } from '../spiffeid/index.js';
import type { SectionReader } from './section-reader.js';
import type { PrometheusTlsConfig, TelemetryConfig } from './types.js';

function readPrometheusTls(r: SectionReader): PrometheusTlsConfig {
  const tls: PrometheusTlsConfig = {
    useSpireSvid: r.bool('use_spire_svid') ?? false,
    authorizedSpiffeIds: r.stringList('authorized_spiffe_ids') ?? [],
  };
  const certFile = r.string('cert_file') || undefined;
  const keyFile = r.string('key_file') || undefined;
  const clientCaFile = r.string('client_ca_file') || undefined;
  if (certFile) tls.certFile = certFile;
  if (keyFile) tls.keyFile = keyFile;
  if (clientCaFile) tls.clientCaFile = clientCaFile;
  if (tls.useSpireSvid && (certFile || keyFile)) {
    r.problem(certFile ? 'cert_file' : 'key_file', 'cert_file and key_file cannot be configured when use_spire_svid is enabled');
  } else if (!tls.useSpireSvid && (!certFile || !keyFile)) {
    r.problem(undefined, 'cert_file and key_file must both be configured unless use_spire_svid is enabled');
  }
  if (tls.authorizedSpiffeIds.length > 0 && clientCaFile) {
    r.problem('client_ca_file', 'client_ca_file cannot be configured with authorized_spiffe_ids');
  }
  for (const id of tls.authorizedSpiffeIds) {
    try {
      SpiffeId.parse(id);
    } catch (err) {
      r.problem('authorized_spiffe_ids', `invalid SPIFFE ID ${JSON.stringify(id)}: ${(err as Error).message}`);
    }
  }
  r.finish();
  return tls;
}

/**
 * The sinks and options that are read (so their own mistakes are reported too) but not served
 * yet: each is refused, by name, rather than accepted and silently ignored. See docs/telemetry.md.
 */
const NOT_IMPLEMENTED = 'is not implemented yet (only Prometheus without tls is); remove it';

/** Reads `telemetry { }` (SPIRE's keys here are CamelCase), with SPIRE's defaults. */
export function readTelemetry(r: SectionReader | undefined): TelemetryConfig {
  const out: TelemetryConfig = {
    dogStatsd: [],
    statsd: [],
    m3: [],
    inMem: false,
    metricPrefix: 'spire_server',
    enableTrustDomainLabel: false,
    enableHostnameLabel: true,
    allowedPrefixes: [],
    blockedPrefixes: [],
    allowedLabels: [],
    blockedLabels: [],
  };
  if (!r) return out;
  const prom = r.block('Prometheus');
  if (prom) {
    const host = prom.string('host') || 'localhost';
    const port = prom.int('port', { min: 0, max: 65535 }) ?? 0;
    const tlsR = prom.block('tls');
    if (tlsR) prom.problem('tls', `the Prometheus tls block ${NOT_IMPLEMENTED}`);
    out.prometheus = { host, port, ...(tlsR ? { tls: readPrometheusTls(tlsR) } : {}) };
    prom.finish();
  }
  const address = (b: SectionReader): string => {
    const a = b.string('address') ?? '';
    if (a === '') b.problem('address', 'must be configured');
    return a;
  };
  for (const sink of ['DogStatsd', 'Statsd', 'M3', 'InMem']) {
    if (r.has(sink)) r.problem(sink, `the ${sink} sink ${NOT_IMPLEMENTED}`);
  }
  for (const b of r.blockList('DogStatsd')) {
    out.dogStatsd.push({ address: address(b) });
    b.finish();
  }
  for (const b of r.blockList('Statsd')) {
    out.statsd.push({ address: address(b) });
    b.finish();
  }
  for (const b of r.blockList('M3')) {
    out.m3.push({ address: address(b), env: b.string('env') ?? '' });
    b.finish();
  }
  const inMem = r.block('InMem');
  out.inMem = inMem !== undefined;
  inMem?.finish();
  out.metricPrefix = r.string('MetricPrefix') || out.metricPrefix;
  out.enableTrustDomainLabel = r.bool('EnableTrustDomainLabel') ?? false;
  out.enableHostnameLabel = r.bool('EnableHostnameLabel') ?? true;
  out.allowedPrefixes = r.stringList('AllowedPrefixes') ?? [];
  out.blockedPrefixes = r.stringList('BlockedPrefixes') ?? [];
  out.allowedLabels = r.stringList('AllowedLabels') ?? [];
  out.blockedLabels = r.stringList('BlockedLabels') ?? [];
  r.finish();
  return out;
}
