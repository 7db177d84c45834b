import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parseSshpopConfig, type SshpopConfig } from './config.js';
import { SshpopAttestor } from './sshpop-attestor.js';

export type { SshpopConfig } from './config.js';

/** The built-in NodeAttestor "sshpop". */
export const sshpopNodeAttestor = defineNodeAttestor<SshpopConfig>({
  name: 'sshpop',
  parseConfig: parseSshpopConfig,
  create: ({ config, trustDomain }) => new SshpopAttestor(config, trustDomain),
});
