import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parseX509popConfig, type X509popConfig } from './config.js';
import { X509popAttestor } from './x509pop-attestor.js';

export type { X509popConfig } from './config.js';

/**
 * The built-in NodeAttestor "x509pop". In spiffe mode it uses the host's IdentityProvider at
 * attestation time for the server's own X.509 bundle.
 */
export const x509popNodeAttestor = defineNodeAttestor<X509popConfig>({
  name: 'x509pop',
  parseConfig: parseX509popConfig,
  create: ({ config, trustDomain, host, log }) => new X509popAttestor(config, trustDomain, host, log),
});
