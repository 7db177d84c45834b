import { SpiffeId } from '../spiffeid/index.js';
import { parseUdpAddress } from '../telemetry/statsd-address.js';
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
 * Why `M3` is refused (its entries are still read, so their own mistakes are reported too):
 * upstream reports to M3 through Uber's tally, and npm has no maintained tally or M3 client for
 * Node. See docs/telemetry.md.
 */
const M3_REFUSED = 'the M3 sink is not supported: there is no maintained M3 (tally) client for Node; use Prometheus, Statsd or DogStatsd instead, and remove M3';

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
    out.prometheus = { host, port, ...(tlsR ? { tls: readPrometheusTls(tlsR) } : {}) };
    prom.finish();
  }
  const address = (b: SectionReader): string => {
    const a = b.string('address') ?? '';
    const parsed = a === '' ? 'must be configured' : parseUdpAddress(a);
    if (typeof parsed === 'string') b.problem('address', parsed);
    return a;
  };
  if (r.has('M3')) r.problem('M3', M3_REFUSED);
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
