import { createServer } from 'node:net';
import { KernelErrors } from '../errors.js';
import { probeAdminSocket } from '../api/admin-socket.js';

/** The system's words for the listen failures an operator can cause (as strerror says them). */
const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  ENOTFOUND: 'no such host',
};

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Listens on `host:port` and closes again at once. Throws UNAVAILABLE, naming bind_address and
 * the reason, when the address cannot be listened on.
 */
async function probeListen(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => {
      const reason = LISTEN_REASONS[err.code ?? ''] ?? err.message;
      reject(KernelErrors.cannotListen(hostPort(host, port), reason, err));
    });
    probe.listen({ host, port, exclusive: true }, resolve);
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * What `SpireServer.start` checks before it writes anything (data_dir, database, keys, socket
 * directory): that no live server holds `socketPath`, and that `bindAddress:bindPort` can be
 * listened on. So a second server started with the same config, or with an address of no local
 * interface, stops with a clear error instead of half-starting next to the first. Throws
 * FAILED_PRECONDITION (socket in use, or not a socket) or UNAVAILABLE (cannot listen). Changes
 * nothing; safe to call again. The real binds can still fail if another process takes the port
 * in between; they report that themselves.
 */
export async function checkBeforeStart(s: { socketPath: string; bindAddress: string; bindPort: number }): Promise<void> {
  await probeAdminSocket(s.socketPath);
  await probeListen(s.bindAddress, s.bindPort);
}
