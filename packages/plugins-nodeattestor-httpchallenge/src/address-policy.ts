import { BlockList, isIPv4 } from 'node:net';

// Ranges no remote agent can have: the server itself, "this network", link-local (cloud metadata
// services live there), multicast, reserved and broadcast, and AWS's IPv6 metadata address.
const SPECIAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  SPECIAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['ff00::', 8],
  ['fd00:ec2::254', 128],
] as const) {
  SPECIAL.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else the address itself. */
export function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * True when `address` (as resolved) is a special-use address the server must not fetch from:
 * loopback, unspecified, link-local, multicast, reserved or broadcast (IPv4-mapped forms
 * included), unless `allowed` holds it. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7)
 * are where agents live and are not special.
 */
export function isRefusedAddress(address: string, allowed: BlockList): boolean {
  const a = unmapped(address);
  const family = isIPv4(a) ? 'ipv4' : 'ipv6';
  return SPECIAL.check(a, family) && !allowed.check(a, family);
}
