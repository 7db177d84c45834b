import type { ServerSVIDState } from '../../ca/server-svid-rotator.js';
import type { AcmeConfig, BundleEndpointConfig } from '../../config/types.js';
import { formatDuration } from '../../duration.js';
import type { Logger } from '../../log/logger.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import { certFileIdentity } from './cert-file-identity.js';
import { bundleHandler } from './handler.js';
import type { BundleEndpointIdentity } from './identity.js';
import { startTlsFront, type TlsFront } from './server.js';
import { spiffeIdentity } from './spiffe-identity.js';

export { bundleDocument, bundleHandler, BUNDLE_CACHE_MS } from './handler.js';
export { parseClientHello } from './client-hello.js';
export type { BundleEndpointIdentity, ClientHelloInfo, EndpointTls } from './identity.js';
export { spiffeIdentity } from './spiffe-identity.js';
export { certFileIdentity } from './cert-file-identity.js';

export interface BundleEndpointDeps {
  config: BundleEndpointConfig;
  /** Reads this trust domain's bundle. */
  fetchBundle(): Promise<Bundle | undefined>;
  /** The server's X509-SVID (https_spiffe). */
  serverSvid: { state(): ServerSVIDState | undefined };
  /** Makes the https_web ACME identity (needed when the profile asks for ACME). */
  acmeIdentity?: (acme: AcmeConfig) => BundleEndpointIdentity;
  /** The `bundle_endpoint` subsystem logger. */
  log: Logger;
}

/** A running bundle endpoint. */
export interface BundleEndpoint {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

function identityOf(d: BundleEndpointDeps): BundleEndpointIdentity {
  const p = d.config.profile;
  if (p.type === 'https_spiffe') return spiffeIdentity(d.serverSvid);
  if (p.servingCertFile) return certFileIdentity({ ...p.servingCertFile, log: d.log });
  if (!p.acme || !d.acmeIdentity) throw new Error('the https_web profile needs acme or serving_cert_file');
  return d.acmeIdentity(p.acme);
}

/**
 * Serves this trust domain's bundle on `federation.bundle_endpoint` (`address:port`) with the
 * configured profile's TLS identity, as SPIRE's bundle endpoint server does. Logs "Serving bundle
 * endpoint" with `addr` and `refresh_hint` once listening.
 */
export async function startBundleEndpoint(d: BundleEndpointDeps): Promise<BundleEndpoint> {
  const identity = identityOf(d);
  await identity.start?.();
  let front: TlsFront;
  try {
    front = await startTlsFront({
      address: d.config.address,
      port: d.config.port,
      identity,
      handler: bundleHandler({ fetchBundle: d.fetchBundle, refreshHintSeconds: Math.floor(d.config.refreshHintMs / 1000), log: d.log }),
      log: d.log,
    });
  } catch (err) {
    await identity.close?.();
    throw err;
  }
  const a = front.address();
  d.log.info({ addr: `${a.address}:${a.port}`, refresh_hint: formatDuration(d.config.refreshHintMs) }, 'Serving bundle endpoint');
  return {
    port: a.port,
    async close() {
      await front.close();
      await identity.close?.();
    },
  };
}
