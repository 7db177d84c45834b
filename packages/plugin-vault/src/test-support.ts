/** Test support (not shipped behaviour): parse plugin_data into the shared config, and make a session. */
import { ConfigReader, silentLogger, type Logger, type ParseResult } from '@spire-ts/core/plugin';
import { readVaultBase, type VaultBaseConfig } from './config.js';
import type { Env } from './env.js';
import { VaultSession } from './session.js';

/** Parses only the shared options (unknown keys refused). */
export function parseBase(raw: Record<string, unknown>, env: Env = {}): ParseResult<VaultBaseConfig> {
  const r = new ConfigReader(raw);
  const c = readVaultBase(r, env);
  return r.result(c as VaultBaseConfig);
}

/** A session over `raw`, throwing on config problems. */
export function sessionFor(
  raw: Record<string, unknown>,
  o: { log?: Logger; timeoutMs?: number; env?: Env; retrySleep?: (ms: number) => Promise<void> } = {},
): VaultSession {
  const p = parseBase(raw, o.env);
  if (!p.config) throw new Error(p.problems.join('; '));
  return new VaultSession(p.config, { log: o.log ?? silentLogger(), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.retrySleep ? { retrySleep: o.retrySleep } : {}) });
}
