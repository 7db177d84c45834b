import { X509Certificate } from 'node:crypto';
import { Code } from '../../errors.js';
import { SpiffeId } from '../../spiffeid/index.js';
import { protoFromId } from '../convert/ids.js';
import type { ServiceHandlers } from '../handler.js';
import { Services } from '../proto.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

/** How long a GetInfo answer is reused, as SPIRE (counts are costly on big stores). */
const CACHE_MS = 5_000;

function certInfo(der: Uint8Array) {
  const c = new X509Certificate(der);
  const uri = (c.subjectAltName ?? '').split(', ').find((s) => s.startsWith('URI:'))?.slice(4);
  let id = null;
  if (uri && SpiffeId.isValid(uri)) id = protoFromId(uri);
  // Go prints RDNs most-specific first, comma-separated.
  const subject = c.subject.split('\n').filter(Boolean).reverse().join(',');
  return { id, expires_at: Math.floor(new Date(c.validTo).getTime() / 1000), subject };
}

/** spire.api.server.debug.v1.Debug GetInfo. */
export function debugService(deps: ApiDeps): ServiceHandlers {
  const started = Date.now();
  let cached: { at: number; resp: unknown } | undefined;
  return {
    service: Services.debug,
    unary: {
      async GetInfo(_req: unknown, ctx) {
        if (cached && Date.now() - cached.at < CACHE_MS) return cached.resp;
        const ds = deps.dataStore;
        let agents: number, entries: number, bundles: number;
        try {
          agents = await ds.countAttestedNodes({});
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count agents', err);
        }
        try {
          entries = await ds.countRegistrationEntries({});
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count entries', err);
        }
        try {
          bundles = await ds.countBundles();
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count bundles', err);
        }
        let chain: Uint8Array[] = [];
        if (deps.debugInfo) {
          try {
            chain = await deps.debugInfo.svidChain();
          } catch (err) {
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to get the server SVID', err);
          }
        }
        const uptime = deps.debugInfo ? deps.debugInfo.uptimeSeconds() : Math.floor((Date.now() - started) / 1000);
        const resp = {
          svid_chain: chain.map(certInfo),
          uptime,
          agents_count: agents,
          entries_count: entries,
          // SPIRE counts every bundle, its own included.
          federated_bundles_count: bundles,
        };
        cached = { at: Date.now(), resp };
        return resp;
      },
    },
  };
}
