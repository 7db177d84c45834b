import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../errors.js';
import type { KeyManager } from '../plugins/keymanager/contract.js';
import { keyManagerCheck } from './keymanager-health.js';

const km = (getPublicKeys: () => Promise<never[]>) => ({ getPublicKeys }) as unknown as KeyManager;

test('live and ready while the KeyManager answers GetPublicKeys', async () => {
  assert.deepEqual(await keyManagerCheck(km(async () => []))(), { live: true, ready: true });
});

test('neither live nor ready when GetPublicKeys fails, with the error as get_public_keys_err', async () => {
  const gone = km(async () => {
    throw new SpireError(Code.UNAVAILABLE, 'keymanager(ext): plugin process is not running (exit status 3)');
  });
  assert.deepEqual(await keyManagerCheck(gone)(), {
    live: false,
    ready: false,
    details: { get_public_keys_err: 'keymanager(ext): plugin process is not running (exit status 3)' },
  });
});
