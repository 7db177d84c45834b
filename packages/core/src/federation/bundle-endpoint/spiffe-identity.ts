import { createSecureContext, type SecureContext } from 'node:tls';
import { Code, SpireError } from '../../errors.js';
import type { ServerSVIDState } from '../../ca/server-svid-rotator.js';
import { toPem } from '../../ca/x509/certificate.js';
import type { BundleEndpointIdentity } from './identity.js';

/**
 * The https_spiffe identity: the server's current X509-SVID (`spiffe://<td>/spire/server`), read
 * at every handshake, so a rotated SVID is presented from the next connection on. TLS 1.2 or
 * newer. Fails the handshake while the server has no SVID.
 */
export function spiffeIdentity(svid: { state(): ServerSVIDState | undefined }): BundleEndpointIdentity {
  let made: { state: ServerSVIDState; context: SecureContext } | undefined;
  return {
    tlsFor() {
      const state = svid.state();
      if (!state) return Promise.reject(new SpireError(Code.UNAVAILABLE, 'the server has no X509-SVID yet'));
      if (made?.state !== state) {
        const context = createSecureContext({
          cert: toPem(state.certChain),
          key: state.privateKey.export({ format: 'pem', type: 'pkcs8' }),
          minVersion: 'TLSv1.2',
        });
        made = { state, context };
      }
      return Promise.resolve({ context: made.context });
    },
  };
}
