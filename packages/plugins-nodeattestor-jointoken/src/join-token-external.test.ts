import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { loadPluginForTest, writePluginExecutable } from '@spire-ts/plugin-sdk/testing';

const NOT_EXTERNAL = 'the built-in join_token node attestor cannot be overridden by an external plugin';

describe('join_token served externally', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('is refused by the catalog with plugin_cmd, as SPIRE refuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'join-token-ext-'));
    dirs.push(dir);
    const path = await writePluginExecutable(import.meta.resolve('./index.js'), 'joinTokenNodeAttestor', dir);
    await assert.rejects(loadPluginForTest({ type: 'NodeAttestor', name: 'join_token', path }), (e: unknown) => {
      assert.ok(e instanceof SpireError, String(e));
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.equal(e.message, NOT_EXTERNAL);
      return true;
    });
  });
});
