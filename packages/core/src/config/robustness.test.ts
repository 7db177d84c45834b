import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { fixture } from './test-support.js';

/** A small deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['{', '}', '[', ']', '=', ',', '"', '<<EOF\n', '\nEOF\n', '#', '/*', '*/', '\\', '$', '-', '0x', '1e', '\n', ' ', 'true', '"x"'];

test('mangled configs never throw: they give a config or problems', () => {
  const base = fixture('every-option.conf');
  const next = rng(20261122);
  for (let round = 0; round < 400; round++) {
    let text = base;
    const edits = 1 + Math.floor(next() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * text.length);
      const kind = next();
      if (kind < 0.4) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
      else text = text.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)]! + text.slice(at);
    }
    const r = parseServerConfigText(text, { filename: 'mangled.conf', cwd: '/nonexistent' });
    assert.ok(r.config !== undefined || r.problems.length > 0, `round ${round}: neither a config nor problems`);
    if (r.config) assert.equal(r.problems.length, 0);
    for (const p of r.problems) {
      assert.equal(typeof p.message, 'string');
      assert.ok(p.message.length > 0, `round ${round}: empty message`);
    }
  }
});
