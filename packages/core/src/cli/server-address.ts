import { DEFAULT_SOCKET_PATH } from '../config/server-section.js';
import type { FlagSpec, ParsedFlags } from './flags.js';

/** The flags every command that talks to the server accepts. */
export const SOCKET_FLAGS: readonly FlagSpec[] = [
  { name: 'socketPath', kind: 'string', usage: 'Path to the SPIRE Server API socket', default: DEFAULT_SOCKET_PATH },
  {
    name: 'instance',
    kind: 'string',
    usage: 'Instance name to substitute into socket templates (env SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE).',
    default: '',
  },
];

/**
 * The admin socket to dial, chosen as SPIRE does: an explicit -socketPath wins, then -instance
 * with SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE (`%i` replaced), then SPIRE_SERVER_PRIVATE_SOCKET, then
 * the default. Throws an Error with SPIRE's wording when -instance cannot be used.
 */
export function resolveSocketPath(flags: ParsedFlags, env: NodeJS.ProcessEnv): string {
  const socketPath = String(flags.values.socketPath ?? DEFAULT_SOCKET_PATH);
  const instance = String(flags.values.instance ?? '');
  const tpl = env.SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE ?? '';
  const sock = env.SPIRE_SERVER_PRIVATE_SOCKET ?? '';
  if (instance !== '') {
    if (tpl === '') throw new Error('you must define SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE to use the instance flag');
    if (!tpl.includes('%i')) throw new Error('failed to find %i in SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE');
  }
  if (socketPath !== DEFAULT_SOCKET_PATH) return socketPath;
  if (instance !== '') return tpl.replaceAll('%i', instance);
  if (sock !== '') return sock;
  return DEFAULT_SOCKET_PATH;
}
