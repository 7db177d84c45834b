import type { SectionReader } from './section-reader.js';
import type { HealthChecksConfig } from './types.js';

/** Reads `health_checks { }` with SPIRE's defaults (localhost:80, /live, /ready). */
export function readHealthChecks(r: SectionReader | undefined): HealthChecksConfig {
  const out: HealthChecksConfig = { listenerEnabled: false, bindAddress: 'localhost', bindPort: 80, livePath: '/live', readyPath: '/ready' };
  if (!r) return out;
  out.listenerEnabled = r.bool('listener_enabled') ?? false;
  const addr = r.string('bind_address');
  if (addr) out.bindAddress = addr.replace(/^\[(.*)\]$/, '$1');
  const rawPort = r.raw('bind_port');
  if (rawPort !== undefined && rawPort !== '') out.bindPort = r.int('bind_port', { min: 1, max: 65535 }) ?? out.bindPort;
  out.livePath = r.string('live_path') || out.livePath;
  out.readyPath = r.string('ready_path') || out.readyPath;
  for (const k of ['live_path', 'ready_path'] as const) {
    const v = k === 'live_path' ? out.livePath : out.readyPath;
    if (!v.startsWith('/')) r.problem(k, `must start with "/", got ${JSON.stringify(v)}`);
  }
  r.finish();
  return out;
}
