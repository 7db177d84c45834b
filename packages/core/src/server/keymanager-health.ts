import { errorMessage } from '../errors.js';
import type { KeyManager } from '../plugins/keymanager/contract.js';
import type { HealthCheck } from './health-checker.js';

/** The name the KeyManager's check is shown under on the live and ready paths. */
export const KEY_MANAGER_CHECK = 'catalog.keymanager';

/**
 * The KeyManager's health check: live and ready while it answers GetPublicKeys, a cheap call
 * that an external plugin must answer over its connection. A plugin process that was killed
 * fails it at once; one that hangs runs into the checker's timeout. Either way the CA could not
 * sign, which upstream notices through its `server.ca` check failing; the details carry the
 * error as `get_public_keys_err`, in the way upstream's checks name theirs.
 */
export function keyManagerCheck(km: KeyManager): HealthCheck {
  return async () => {
    try {
      await km.getPublicKeys();
      return { live: true, ready: true };
    } catch (err) {
      return { live: false, ready: false, details: { get_public_keys_err: errorMessage(err) } };
    }
  };
}
