import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Code, spireError } from '../errors.js';

/**
 * Binds `server` to the admin Unix socket at `socketPath`: the directory is created with mode
 * 0750, a stale socket file is removed, and the socket is made 0770. Throws UNAVAILABLE when the
 * socket cannot be bound.
 */
export async function bindAdminSocket(server: grpc.Server, socketPath: string): Promise<void> {
  const dir = dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  await chmod(dir, 0o750);
  try {
    const st = await stat(socketPath);
    if (st.isSocket()) await rm(socketPath);
    else throw spireError(Code.FAILED_PRECONDITION, `socket_path ${socketPath} exists and is not a socket`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
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
