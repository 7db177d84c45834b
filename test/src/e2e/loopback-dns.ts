// Loaded with `node --import` into a server process under test: host names under `.test` resolve
// to 127.0.0.1, so that a server can reach a loopback endpoint by the DNS name its Web PKI
// certificate carries (an ACME certificate from pebble for bundle.c.test). Test scaffolding only;
// the server itself resolves names as Node does.
import dns from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
const systemLookup = dns.lookup;

function loopbackLookup(this: unknown, host: string, options: unknown, callback?: LookupCallback): void {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
  if (typeof host === 'string' && host.endsWith('.test')) {
    if (all) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
    else process.nextTick(cb, null, '127.0.0.1', 4);
    return;
  }
  (systemLookup as (...a: unknown[]) => void).call(this, host, options, callback);
}

(dns as { lookup: unknown }).lookup = loopbackLookup;
