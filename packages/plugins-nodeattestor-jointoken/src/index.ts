import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parseJoinTokenConfig, type JoinTokenConfig } from './config.js';
import { JoinTokenAttestor } from './join-token-attestor.js';

export type { JoinTokenConfig } from './config.js';

/**
 * The built-in NodeAttestor "join_token", as SPIRE has it: it reads its (empty) configuration and
 * refuses every attestation, which the server does itself (see JoinTokenAttestor).
 */
export const joinTokenNodeAttestor = defineNodeAttestor<JoinTokenConfig>({
  name: 'join_token',
  parseConfig: parseJoinTokenConfig,
  create: ({ config, log }) => {
    if (config.ignoredKeys.length > 0) {
      log.info({ keys: config.ignoredKeys }, 'join_token has no options; ignoring the unknown settings');
    }
    return new JoinTokenAttestor();
  },
});
