import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { assetsDir } from '../index.js';

const read = (f) => readFile(join(assetsDir, f), 'utf8');

test('the build writes index.html, app.js and app.css into assetsDir', async () => {
  for (const f of ['index.html', 'app.js', 'app.css']) assert.ok((await stat(join(assetsDir, f))).size > 0, f);
});

test('index.html loads only /assets/app.js and /assets/app.css, with no inline script or style', async () => {
  const html = await read('index.html');
  assert.match(html, /<script type="module" src="\/assets\/app\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/assets\/app\.css">/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(html, /<style|style=|\son[a-z]+=/i);
});

// Reports the match instead of printing the whole bundle.
function assertAbsent(text, re) {
  const m = re.exec(text);
  assert.equal(m, null, m ? `${re} matched near: ${text.slice(Math.max(0, m.index - 60), m.index + 60)}` : '');
}

test('the bundle has no eval, Function constructor or HTML sinks', async () => {
  const js = await read('app.js');
  assertAbsent(js, /\beval\s*\(/);
  assertAbsent(js, /new\s+Function\b|\bFunction\s*\(/);
  assertAbsent(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc|createContextualFragment|DOMParser/);
});

test('the sources never use dangerouslySetInnerHTML or style attributes', async () => {
  const { readdir } = await import('node:fs/promises');
  const src = join(assetsDir, '..', 'src');
  const files = (await readdir(src, { recursive: true })).filter((f) => /\.tsx?$/.test(f));
  assert.ok(files.length > 10);
  for (const f of files) {
    const text = await readFile(join(src, f), 'utf8');
    assert.doesNotMatch(text, /dangerouslySetInnerHTML|innerHTML|\sstyle=\{|\sstyle="/, f);
  }
});

test('the bundle stays small (under 30 KB gzipped)', async () => {
  const js = await readFile(join(assetsDir, 'app.js'));
  const gz = gzipSync(js).length;
  assert.ok(gz < 30_000, `app.js is ${gz} bytes gzipped`);
});
