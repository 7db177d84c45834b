import type { ServiceHandlers } from '../api/handler.js';
import { Code, SpireError } from '../errors.js';
import type { LoginLinks } from './login-links.js';

/** The admin-socket service's full name (proto/spirets/console/v1/console.proto). */
export const CONSOLE_SERVICE = 'spirets.console.v1.Console';

/** FAILED_PRECONDITION message of CreateLoginLink without a console block. */
export const CONSOLE_NOT_ENABLED = 'the console is not enabled: add a console block to the server configuration';

/**
 * spirets.console.v1.Console, served on the admin socket only (the server passes it as an
 * admin-only service of the endpoints): CreateLoginLink issues a one-time login link. Without a
 * console block (`links` undefined) it answers FAILED_PRECONDITION.
 */
export function consoleLoginService(links: LoginLinks | undefined): ServiceHandlers {
  return {
    service: CONSOLE_SERVICE,
    unary: {
      CreateLoginLink: async () => {
        if (!links) throw new SpireError(Code.FAILED_PRECONDITION, CONSOLE_NOT_ENABLED);
        const link = links.issue();
        return { url: link.url, expires_at: Math.floor(link.expiresAt / 1000) };
      },
    },
  };
}
