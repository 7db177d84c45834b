import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parseJoinTokenConfig, type JoinTokenConfig } from './config.js';
import { JoinTokenAttestor } from './join-token-attestor.js';

export type { JoinTokenConfig } from './config.js';

/**
 * The built-in NodeAttestor "join_token". It needs the host's `joinTokens` service (the server
 * backs it with its DataStore) at attestation time, not at creation.
 */
export const joinTokenNodeAttestor = defineNodeAttestor<JoinTokenConfig>({
  name: 'join_token',
  parseConfig: parseJoinTokenConfig,
  create: ({ config, log, trustDomain, host }) => {
    if (config.ignoredKeys.length > 0) {
      log.info({ keys: config.ignoredKeys }, 'join_token has no options; ignoring the unknown settings');
    }
    return new JoinTokenAttestor(trustDomain, host);
  },
});
