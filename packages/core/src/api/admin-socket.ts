import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Code, KernelErrors, spireError } from '../errors.js';

/** How long a connect to the socket may take before it counts as held (a live, busy server). */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * What is at `socketPath`: nothing (`absent`), or a socket file nobody accepts connections on
 * (`stale`, left by a server that was killed). Throws FAILED_PRECONDITION when a server accepts
 * connections on it or when the path is not a socket, and UNAVAILABLE when that cannot be told.
 * Changes nothing; safe to call any number of times.
 */
export async function probeAdminSocket(socketPath: string): Promise<'absent' | 'stale'> {
  try {
    if (!(await stat(socketPath)).isSocket()) throw KernelErrors.socketNotASocket(socketPath);
  } catch (err) {
    // ENOTDIR: a parent is a file, so nothing is there; creating the directory reports it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    throw err;
  }
  // Connecting is the only sure test: a socket file outlives a killed server, and unlinking the
  // file of a live one leaves that server unreachable for good.
  const outcome = await new Promise<'live' | 'stale' | Error>((resolve) => {
    const c = connect(socketPath);
    const done = (v: 'live' | 'stale' | Error) => {
      clearTimeout(timer);
      c.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('live'), PROBE_TIMEOUT_MS);
    c.once('connect', () => done('live'));
    c.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done('stale');
      // A full accept queue: someone is listening.
      else if (err.code === 'EAGAIN') done('live');
      else done(err);
    });
  });
  if (outcome === 'live') throw KernelErrors.socketInUse(socketPath);
  if (outcome instanceof Error) throw KernelErrors.socketProbeFailed(socketPath, outcome);
  return outcome;
}

/**
 * Binds `server` to the admin Unix socket at `socketPath`. A missing directory is created with
 * mode 0750 (parents included); an existing one is left as it is. A stale socket file is
 * replaced, and the socket is made 0770. Throws FAILED_PRECONDITION, without touching the path,
 * when a live server holds the socket or the path is not a socket (see probeAdminSocket), and
 * UNAVAILABLE when the socket cannot be bound.
 */
export async function bindAdminSocket(server: grpc.Server, socketPath: string): Promise<void> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o750 });
  if ((await probeAdminSocket(socketPath)) === 'stale') await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => {
      if (err) reject(spireError(Code.UNAVAILABLE, `cannot listen on socket_path ${socketPath}: ${err.message}`, err));
      else resolve();
    });
  });
  await chmod(socketPath, 0o770);
}

/** Stops a gRPC server, waiting up to `graceMs` for calls in flight, then forcing. */
export function shutdownGrpc(server: grpc.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
