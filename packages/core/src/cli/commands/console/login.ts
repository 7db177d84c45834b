import type { CreateLoginLinkResponse__Output } from '../../../proto/gen/api/spirets/console/v1/CreateLoginLinkResponse.js';
import { apiCommand } from '../../api-command.js';
import { rfc3339 } from '../../duration-flag.js';

/**
 * `spire-server console login` (this project's own): asks the server over the admin socket for a
 * one-time login link to the web console and prints it, first line alone, then when it expires.
 */
export const consoleLoginCommand = apiCommand({
  name: 'console login',
  synopsis: 'Prints a one-time login link to the web console',
  flags: [],
  output: true,
  async run(ctx) {
    const r = await ctx.client.call<CreateLoginLinkResponse__Output>('console', 'CreateLoginLink', {});
    if (ctx.json) return ctx.printJson({ type: 'spirets.console.v1.CreateLoginLinkResponse', msg: r });
    ctx.out(`${r.url}\nThe link logs in once; it expires at ${rfc3339(Number(r.expires_at))}.\n`);
  },
});
