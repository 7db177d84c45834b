/** A UDP destination `host:port` of the Statsd and DogStatsd sinks. */
export interface UdpAddress {
  host: string;
  port: number;
}

/**
 * Splits `host:port` (`[v6]:port` for IPv6) as Go's net.SplitHostPort does; the port must be a
 * number from 1 to 65535. Returns a reason string when the address cannot be used.
 */
export function parseUdpAddress(address: string): UdpAddress | string {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  if (!m) return `${JSON.stringify(address)} is not host:port`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return `port ${m[3]} of ${JSON.stringify(address)} is out of range`;
  const host = m[1] ?? m[2] ?? '';
  // An empty host means this machine, as with Go's dialer.
  return { host: host === '' ? 'localhost' : host, port };
}
