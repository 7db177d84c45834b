// Bundles src/lib (TypeScript) with esbuild into a temporary ES module and imports it, so the
// unit tests run the app's own source.
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Imports a source module of the app (path relative to the package, e.g. 'src/lib/index.ts'). */
export async function loadSource(rel) {
  const dir = await mkdtemp(join(tmpdir(), 'console-ui-test-'));
  const out = join(dir, 'mod.mjs');
  try {
    await build({ entryPoints: [join(root, rel)], outfile: out, bundle: true, format: 'esm', platform: 'neutral', jsx: 'automatic', jsxImportSource: 'preact', logLevel: 'error' });
    return await import(pathToFileURL(out).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
