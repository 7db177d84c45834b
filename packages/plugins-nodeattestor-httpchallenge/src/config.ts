import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** http_challenge's parsed configuration. */
export interface HttpChallengeConfig {
  /** Patterns a host name must match (any of them, unanchored, as Go's regexp search); empty allows all. */
  dnsPatterns: RegExp[];
  requiredPort?: number;
  allowNonRootPorts: boolean;
  tofu: boolean;
  /**
   * Special-use addresses the server may nevertheless fetch from (`allow_special_addresses`,
   * not an upstream option); empty by default.
   */
  allowedSpecial: BlockList;
}

/** Parses "a.b.c.d/n" or "x::y/n" (a bare address is a /32 or /128) into `list`; returns a problem or undefined. */
function addCidr(list: BlockList, text: string): string | undefined {
  const [addr = '', prefixText, extra] = text.split('/');
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    return `allow_special_addresses: ${JSON.stringify(text)} is not an IP address or CIDR range`;
  }
  list.addSubnet(addr, prefix, family);
  return undefined;
}

/**
 * Reads http_challenge's plugin_data with SPIRE's defaults (`allow_non_root_ports` and `tofu`
 * true) and SPIRE's rule that TOFU may be turned off only when agents must use a port below
 * 1024. Collects every problem; unknown options are refused. Never throws.
 */
export function parseHttpChallengeConfig(raw: PluginData): ParseResult<HttpChallengeConfig> {
  const r = new ConfigReader(raw);
  const dnsPatterns: RegExp[] = [];
  for (const p of r.strings('allowed_dns_patterns') ?? []) {
    try {
      dnsPatterns.push(new RegExp(p, 'u'));
    } catch (e) {
      r.problem(`cannot compile allowed_dns_pattern: ${JSON.stringify(p)}, ${(e as Error).message}`);
    }
  }
  const requiredPort = r.int('required_port', { min: 1, max: 65535 });
  const nonRootSet = r.bool('allow_non_root_ports');
  const allowNonRootPorts = nonRootSet ?? true;
  const tofu = r.bool('tofu') ?? true;
  // SPIRE: TOFU is mandatory whenever an unprivileged process could answer the challenge.
  const mustUseTofu =
    (requiredPort !== undefined && requiredPort >= 1024) ||
    (nonRootSet === undefined && requiredPort === undefined) ||
    (nonRootSet === true && requiredPort === undefined);
  if (!tofu && mustUseTofu) r.problem('you can not turn off trust on first use (TOFU) when non-root ports are allowed');
  const allowedSpecial = new BlockList();
  for (const c of r.strings('allow_special_addresses') ?? []) {
    const problem = addCidr(allowedSpecial, c);
    if (problem) r.problem(problem);
  }
  return r.result({ dnsPatterns, ...(requiredPort !== undefined ? { requiredPort } : {}), allowNonRootPorts, tofu, allowedSpecial });
}
