import { healthClient } from '../../api/health/service.js';
import { toRpcError } from '../rpc-error.js';
import { fail, flagHelp, parseCommandFlags, type CliIO, type Command } from '../command.js';
import type { FlagSpec } from '../flags.js';
import { resolveSocketPath, SOCKET_FLAGS } from '../server-address.js';

const FLAGS: readonly FlagSpec[] = [
  ...SOCKET_FLAGS,
  { name: 'shallow', kind: 'bool', usage: 'Perform a less stringent health check' },
  { name: 'verbose', kind: 'bool', usage: 'Print verbose information' },
];

/** Asks the server's health service; rejects with the failure worded as grpc-go words it. */
function check(socketPath: string): Promise<string> {
  const client = healthClient(`unix:${socketPath}`);
  return new Promise((resolve, reject) => {
    client.Check({ service: '' }, { deadline: Date.now() + 10_000 }, (err, res) => {
      client.close();
      if (err) reject(toRpcError(err, socketPath));
      else resolve(res?.status ?? 'UNKNOWN');
    });
  });
}

/** `spire-server healthcheck`: asks grpc.health.v1 on the admin socket whether the server serves. */
export const healthcheckCommand: Command = {
  name: 'healthcheck',
  synopsis: 'Determines server health status',
  help: flagHelp('healthcheck', FLAGS),
  async run(args: string[], io: CliIO): Promise<number> {
    const { flags } = parseCommandFlags('healthcheck', FLAGS, args, io);
    if (!flags) return 1;
    const verbose = flags.values.verbose === true;
    let socketPath: string;
    try {
      socketPath = resolveSocketPath(flags, io.env);
    } catch (err) {
      return fail(io, (err as Error).message);
    }
    if (verbose) io.stdout.write('Checking server health...\n');
    let status: string;
    try {
      status = await check(socketPath);
    } catch (err) {
      if (verbose) io.stderr.write(`Failed to check health: ${(err as Error).message}\n`);
      return fail(io, 'server is unhealthy: unable to determine health');
    }
    if (status !== 'SERVING') return fail(io, `server is unhealthy: server returned status "${status}"`);
    io.stdout.write('Server is healthy.\n');
    return 0;
  },
};

