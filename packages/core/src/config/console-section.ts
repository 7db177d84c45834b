import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { SectionReader } from './section-reader.js';
import type { ConsoleConfig } from './types.js';

/** The console's defaults (this project's own block: SPIRE has no console). */
export const CONSOLE_DEFAULTS = {
  bindAddress: '127.0.0.1',
  bindPort: 8444,
  sessionIdleTimeoutMs: 15 * 60_000,
  loginLinkTtlMs: 5 * 60_000,
} as const;

function positiveDuration(r: SectionReader, key: string, def: number): number {
  const raw = r.raw(key);
  if (raw === undefined || raw === '') return def;
  const v = r.duration(key);
  if (v === undefined) return def;
  if (v <= 0) {
    r.problem(key, `must be a positive duration, got ${JSON.stringify(raw)}`);
    return def;
  }
  return v;
}

/**
 * Reads the top-level `console { }` block (the built-in web console, docs/console.md). Absent:
 * undefined (the console is off). Every problem names its key (`console.bind_port`, ...); paths
 * resolve against `cwd`. Pure apart from the problems recorded in the reader.
 */
export function readConsole(r: SectionReader | undefined, cwd: string): ConsoleConfig | undefined {
  if (!r) return undefined;
  const addrRaw = r.string('bind_address');
  const bindAddress = addrRaw === undefined || addrRaw === '' ? CONSOLE_DEFAULTS.bindAddress : addrRaw.replace(/^\[(.*)\]$/, '$1');
  if (addrRaw !== undefined && addrRaw !== '' && isIP(bindAddress) === 0 && bindAddress !== 'localhost') {
    r.problem('bind_address', `must be an IP address or localhost, got ${JSON.stringify(addrRaw)}`);
  }
  const bindPort = r.has('bind_port') ? (r.int('bind_port', { min: 0, max: 65535 }) ?? CONSOLE_DEFAULTS.bindPort) : CONSOLE_DEFAULTS.bindPort;
  const certFile = r.string('cert_file') ?? '';
  const keyFile = r.string('key_file') ?? '';
  if (certFile !== '' && keyFile === '') r.problem('key_file', 'must be configured when cert_file is set');
  if (keyFile !== '' && certFile === '') r.problem('cert_file', 'must be configured when key_file is set');
  const sessionIdleTimeoutMs = positiveDuration(r, 'session_idle_timeout', CONSOLE_DEFAULTS.sessionIdleTimeoutMs);
  const loginLinkTtlMs = positiveDuration(r, 'login_link_ttl', CONSOLE_DEFAULTS.loginLinkTtlMs);
  const publicRaw = r.string('public_url') ?? '';
  let publicUrl: string | undefined;
  if (publicRaw !== '') {
    let u: URL | undefined;
    try {
      u = new URL(publicRaw);
    } catch {
      u = undefined;
    }
    if (!u || u.protocol !== 'https:') r.problem('public_url', `must be an https:// URL, got ${JSON.stringify(publicRaw)}`);
    else publicUrl = publicRaw.replace(/\/+$/, '');
  }
  r.finish();
  return {
    bindAddress,
    bindPort,
    ...(certFile !== '' && keyFile !== '' ? { certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) } : {}),
    sessionIdleTimeoutMs,
    loginLinkTtlMs,
    ...(publicUrl ? { publicUrl } : {}),
  };
}
