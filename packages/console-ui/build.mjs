// Builds the console: src/main.tsx bundled by esbuild into dist/app.js, next to index.html and app.css.
// Usage: node build.mjs [outdir]   (default: dist/ beside this file)
import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Preact's only HTML sink is the `dangerouslySetInnerHTML` prop. The console never uses it; this
 * plugin removes the sink from the runtime so that no code path in the bundle can parse HTML.
 * The build fails when the runtime's code no longer has the expected shape.
 */
const noHtmlSink = {
  name: 'no-html-sink',
  setup(b) {
    b.onLoad({ filter: /[\\/]preact[\\/]dist[\\/]preact\.mjs$/ }, async (args) => {
      let src = await readFile(args.path, 'utf8');
      const compare = /(\w+)\.__html==(\w+)\.innerHTML/g;
      const assign = /\((\w+)\.innerHTML=(\w+)\.__html\)/g;
      if ((src.match(compare) ?? []).length !== 1 || (src.match(assign) ?? []).length !== 1) {
        throw new Error('no-html-sink: unexpected preact runtime; review the HTML sink removal');
      }
      src = src
        .replace(compare, '!1')
        .replace(assign, '(()=>{throw new TypeError("dangerouslySetInnerHTML is disabled in the console")})()');
      if (src.includes('innerHTML')) throw new Error('no-html-sink: innerHTML left in the preact runtime');
      return { contents: src, loader: 'js' };
    });
  },
};

/** Builds the app into `outdir` and copies the static files; returns the output paths. */
export async function buildConsole(outdir = join(here, 'dist')) {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, 'src/main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [noHtmlSink],
  });
  await copyFile(join(here, 'src/index.html'), join(outdir, 'index.html'));
  await copyFile(join(here, 'src/app.css'), join(outdir, 'app.css'));
  return { appJs: join(outdir, 'app.js'), indexHtml: join(outdir, 'index.html'), appCss: join(outdir, 'app.css') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole(process.argv[2]);
}
