import { isIP } from 'node:net';

/**
 * Checks a CIDR such as `10.0.0.0/8` or `fd00::/8` the way Go's net.ParseCIDR does. Returns the
 * reason it is invalid, or undefined when valid.
 */
export function cidrProblem(s: string): string | undefined {
  const slash = s.indexOf('/');
  if (slash === -1) return `invalid CIDR address: ${s}`;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return `invalid CIDR address: ${s}`;
  const max = family === 4 ? 32 : 128;
  if (Number(bits) > max) return `invalid CIDR address: ${s}`;
  return undefined;
}
