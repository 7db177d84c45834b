import { apiCommand } from '../../api-command.js';
import { print, type ProtoLogger } from './logger-common.js';

/** `spire-server logger reset`: back to the launch level. */
export const loggerResetCommand = apiCommand({
  name: 'logger reset',
  synopsis: 'Reset the logger details to launch level',
  flags: [],
  output: true,
  async run(ctx) {
    let l: ProtoLogger;
    try {
      l = await ctx.client.call<ProtoLogger>('logger', 'ResetLogLevel', {});
    } catch (err) {
      throw new Error(`failed to reset logger: ${(err as Error).message}`);
    }
    await print(ctx, l);
  },
});
