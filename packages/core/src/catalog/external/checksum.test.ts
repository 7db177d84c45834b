import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Code } from '../../errors.js';
import { normalizeChecksum, sha256File, verifyChecksum } from './checksum.js';

const dir = mkdtempSync(join(tmpdir(), 'spire-checksum-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('plugin_checksum', () => {
  const file = join(dir, 'plugin');
  writeFileSync(file, 'binary contents');
  const sum = createHash('sha256').update('binary contents').digest('hex');

  it('hashes a file with sha256', async () => {
    assert.equal(await sha256File(file), sum);
  });

  it('accepts the matching checksum in either case', async () => {
    await verifyChecksum(file, sum);
    await verifyChecksum(file, sum.toUpperCase());
  });

  it('refuses a different checksum and shows both values', async () => {
    const wrong = '0'.repeat(64);
    await assert.rejects(verifyChecksum(file, wrong), {
      code: Code.FAILED_PRECONDITION,
      message: `failed to launch plugin: checksums did not match: plugin_checksum is ${wrong} but the sha256 of ${file} is ${sum}`,
    });
  });

  it('checks the shape first, with SPIRE’s messages', () => {
    assert.throws(() => normalizeChecksum('zz'), { code: Code.INVALID_ARGUMENT, message: 'checksum is not a valid hex string' });
    assert.throws(() => normalizeChecksum('abc'), { code: Code.INVALID_ARGUMENT, message: 'checksum is not a valid hex string' });
    assert.throws(() => normalizeChecksum('ab'.repeat(16)), { code: Code.INVALID_ARGUMENT, message: 'expected checksum of length 64; got 32' });
  });

  it('reports an unreadable binary', async () => {
    const missing = join(dir, 'missing');
    await assert.rejects(verifyChecksum(missing, sum), (err: { code: number; message: string }) => {
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.match(err.message, new RegExp(`^failed to launch plugin: cannot read ${missing}: ENOENT`));
      return true;
    });
  });
});
