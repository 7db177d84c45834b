import { apiCommand } from '../../api-command.js';
import { print, type ProtoLogger } from './logger-common.js';

/** `spire-server logger get`: the current and launch log levels. */
export const loggerGetCommand = apiCommand({
  name: 'logger get',
  synopsis: 'Gets the logger details',
  flags: [],
  output: true,
  async run(ctx) {
    try {
      await print(ctx, await ctx.client.call<ProtoLogger>('logger', 'GetLogger', {}));
    } catch (err) {
      if ((err as Error).message.startsWith('internal error')) throw err;
      throw new Error(`error fetching logger: ${(err as Error).message}`);
    }
  },
});
