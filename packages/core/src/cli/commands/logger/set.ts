import { apiCommand } from '../../api-command.js';
import { goQuote } from '../../go-format.js';
import { LEVELS, print, type ProtoLogger } from './logger-common.js';

/** `spire-server logger set -level <level>`. */
export const loggerSetCommand = apiCommand({
  name: 'logger set',
  synopsis: 'Sets the logger details',
  flags: [{ name: 'level', kind: 'string', usage: 'The new log level, one of (panic, fatal, error, warn, info, debug, trace)', default: '' }],
  output: true,
  async run(ctx) {
    const raw = ctx.str('level');
    if (raw === '') throw new Error('a value (-level) must be set');
    const level = LEVELS[raw.toLowerCase()];
    if (!level) throw new Error(`the value ${goQuote(raw)} is not a valid setting`);
    let l: ProtoLogger;
    try {
      l = await ctx.client.call<ProtoLogger>('logger', 'SetLogLevel', { new_level: level });
    } catch (err) {
      throw new Error(`failed to set log level: ${(err as Error).message}`);
    }
    await print(ctx, l);
  },
});
