import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, SpireError } from '../errors.js';
import { checkBeforeStart } from './preflight.js';

function listenTcp(): Promise<Server> {
  const srv = createServer((c) => c.end());
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

function isUnavailable(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof SpireError);
    assert.equal(err.code, Code.UNAVAILABLE);
    assert.equal(err.message, message);
    return true;
  };
}

test('checkBeforeStart refuses a bind_port that another process listens on', async () => {
  const busy = await listenTcp();
  const port = (busy.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'spire-pre-'));
  try {
    await assert.rejects(
      checkBeforeStart({ socketPath: join(dir, 'api.sock'), bindAddress: '127.0.0.1', bindPort: port }),
      isUnavailable(`cannot listen on bind_address 127.0.0.1:${port}: address already in use`),
    );
  } finally {
    await new Promise((r) => busy.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkBeforeStart refuses an address of no local interface, and names IPv6 addresses in brackets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-pre-'));
  try {
    await assert.rejects(
      checkBeforeStart({ socketPath: join(dir, 'api.sock'), bindAddress: '192.0.2.1', bindPort: 8081 }),
      isUnavailable('cannot listen on bind_address 192.0.2.1:8081: cannot assign requested address'),
    );
    await assert.rejects(
      checkBeforeStart({ socketPath: join(dir, 'api.sock'), bindAddress: '2001:db8::1', bindPort: 8081 }),
      isUnavailable('cannot listen on bind_address [2001:db8::1]:8081: cannot assign requested address'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkBeforeStart writes nothing and leaves the port free when all is well', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-pre-'));
  const probe = await listenTcp();
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  try {
    await checkBeforeStart({ socketPath: join(dir, 'sock', 'api.sock'), bindAddress: '127.0.0.1', bindPort: port });
    assert.equal(existsSync(join(dir, 'sock')), false);
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((r) => again.close(r));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkBeforeStart refuses a socket_path a live server holds before it checks the port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-pre-'));
  const path = join(dir, 'api.sock');
  const live = createServer((c) => c.end());
  await new Promise<void>((r) => live.listen(path, r));
  try {
    await assert.rejects(checkBeforeStart({ socketPath: path, bindAddress: '192.0.2.1', bindPort: 8081 }), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.equal(err.message, `socket_path "${path}" is in use by a running server; stop that server or set another socket_path`);
      return true;
    });
  } finally {
    await new Promise((r) => live.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
