import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ConfigProblem } from './problem.js';

/** bind_address as SPIRE uses it: every `[` and `]` at either end trimmed (`[::1]` is `::1`). */
export function bindAddressHost(raw: string): string {
  return raw.replace(/^[[\]]+|[[\]]+$/g, '');
}

/**
 * A bind_address that is a host name, to be resolved once the file is read (resolving needs
 * the network, and reading is synchronous). `problem` words a failure as the option's problem.
 */
export interface BindAddressLookup {
  /** bind_address as written (brackets and all), for the message. */
  raw: string;
  port: number;
  problem(message: string): ConfigProblem;
}

/** Node's resolver codes in the words Go's resolver uses, which SPIRE prints. */
function lookupFailure(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return 'no such host';
  if (err.code === 'EAI_AGAIN') return 'temporary failure in name resolution';
  return err.message;
}

/**
 * Resolves bind_address with bind_port as SPIRE does (`net.ResolveTCPAddr`): an IP is taken as
 * it is; a host name is looked up and its first IPv4 address taken, else its first address.
 * Returns the address to listen on, or the problem in SPIRE's words:
 * `could not resolve bind address "<raw>:<port>": lookup <host>: no such host`. Never throws.
 */
export async function resolveBindAddress(raw: string, port: number): Promise<{ address: string } | { problem: string }> {
  const host = bindAddressHost(raw);
  if (isIP(host) !== 0) return { address: host };
  const prefix = `could not resolve bind address "${raw}:${port}"`;
  try {
    const found = await lookup(host, { all: true });
    const pick = found.find((a) => a.family === 4) ?? found[0];
    if (!pick) return { problem: `${prefix}: address ${host}: no suitable address found` };
    return { address: pick.address };
  } catch (err) {
    return { problem: `${prefix}: lookup ${host}: ${lookupFailure(err as NodeJS.ErrnoException)}` };
  }
}
