import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Code, SpireError } from '../errors.js';
import { bindAdminSocket, shutdownGrpc } from './admin-socket.js';

function listenUnix(path: string): Promise<Server> {
  const srv = createServer((c) => c.end());
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(path, () => resolve(srv));
  });
}

/** A socket file nobody listens on: its owner was SIGKILLed and could not unlink it. */
function staleSocket(path: string): void {
  const r = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(statSync(path).isSocket(), true);
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

test('bindAdminSocket refuses a socket a live server listens on, and leaves it in place', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-sock-'));
  const path = join(dir, 'api.sock');
  const live = await listenUnix(path);
  const server = new grpc.Server();
  try {
    await assert.rejects(bindAdminSocket(server, path), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.equal(err.message, `socket_path "${path}" is in use by a running server; stop that server or set another socket_path`);
      return true;
    });
    assert.equal(await canConnect(path), true);
  } finally {
    await shutdownGrpc(server, 0);
    await new Promise((r) => live.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bindAdminSocket replaces a stale socket file and serves on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-sock-'));
  const path = join(dir, 'api.sock');
  staleSocket(path);
  const server = new grpc.Server();
  try {
    await bindAdminSocket(server, path);
    assert.equal(await canConnect(path), true);
    assert.equal(statSync(path).mode & 0o777, 0o770);
  } finally {
    await shutdownGrpc(server, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bindAdminSocket refuses a socket_path that is not a socket and leaves it alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-sock-'));
  const path = join(dir, 'api.sock');
  mkdirSync(path);
  const server = new grpc.Server();
  try {
    await assert.rejects(bindAdminSocket(server, path), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.equal(err.message, `socket_path "${path}" exists and is not a socket`);
      return true;
    });
    assert.equal(statSync(path).isDirectory(), true);
  } finally {
    await shutdownGrpc(server, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bindAdminSocket leaves the mode of an existing socket directory alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-sock-'));
  chmodSync(dir, 0o1777);
  const server = new grpc.Server();
  try {
    await bindAdminSocket(server, join(dir, 'api.sock'));
    assert.equal(statSync(dir).mode & 0o7777, 0o1777);
  } finally {
    await shutdownGrpc(server, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
