import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parseTpmDevidConfig, type TpmDevidConfig } from './config.js';
import { TpmDevidAttestor } from './devid-attestor.js';

export type { TpmDevidConfig } from './config.js';

/** The built-in NodeAttestor "tpm_devid" (SPIRE's DevID attestation with TPM residency proof). */
export const tpmDevidNodeAttestor = defineNodeAttestor<TpmDevidConfig>({
  name: 'tpm_devid',
  parseConfig: parseTpmDevidConfig,
  create: ({ config, trustDomain }) => new TpmDevidAttestor(config, trustDomain),
});
