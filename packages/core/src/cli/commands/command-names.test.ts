import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './index.js';
import { witMintCommand } from './wit/mint.js';

// The sources beside this test's compiled file (dist/cli/commands -> src/cli/commands).
const srcDir = fileURLToPath(new URL('../../../src/cli/commands/', import.meta.url));

/** Every non-test source file under cli/commands, with its text. */
function sources(): { file: string; text: string }[] {
  return (readdirSync(srcDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((file) => ({ file, text: readFileSync(srcDir + file, 'utf8') }));
}

describe('command names', () => {
  it('spells every command\'s full name literally in one file of its own, so grep finds it', () => {
    const files = sources();
    for (const c of [...COMMANDS, witMintCommand]) {
      const holders = files.filter((f) => f.text.includes(`name: '${c.name}'`)).map((f) => f.file);
      assert.equal(holders.length, 1, `"${c.name}" is named in ${JSON.stringify(holders)}`);
    }
  });

  it('defines one command per file', () => {
    for (const { file, text } of sources()) {
      const names = text.match(/^ {2}name: '[^']+',$/gm) ?? [];
      assert.ok(names.length <= 1, `${file} names ${names.length} commands`);
    }
  });
});
