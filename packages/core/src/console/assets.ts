import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { notBuiltPage } from './login-pages.js';
import { sendHtml } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A relative asset path of plain segments (no `..`, no dot files, no backslashes). */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Serves the built UI of @spire-ts/console-ui from `dir`: `index.html` for `/`, and
 * `/assets/<path>` from `<dir>/<path>` (or `<dir>/assets/<path>`). While `index.html` is missing
 * every UI request gets a 503 page saying to run `npm run build`. Files are read on each request
 * (a rebuild shows without a restart). Throws only for unexpected read errors.
 */
export class ConsoleAssets {
  constructor(private readonly dir: string) {}

  /** Answers `GET /` (the caller checked the session). */
  async index(res: ServerResponse): Promise<void> {
    const html = await readIfThere(join(this.dir, 'index.html'));
    if (!html) return sendHtml(res, 503, notBuiltPage(this.dir));
    res.writeHead(200, { 'Content-Type': TYPES['.html']!, 'Cache-Control': 'no-store', 'Content-Length': html.length });
    res.end(html);
  }

  /** Answers `GET /assets/<rel>`. */
  async asset(rel: string, res: ServerResponse): Promise<void> {
    if (!(await readIfThere(join(this.dir, 'index.html')))) return sendHtml(res, 503, notBuiltPage(this.dir));
    const body = SAFE_PATH.test(rel) ? ((await readIfThere(join(this.dir, rel))) ?? (await readIfThere(join(this.dir, 'assets', rel)))) : undefined;
    if (!body) return sendHtml(res, 404, '<!doctype html><title>Not found</title><p>Not found.</p>\n');
    res.writeHead(200, { 'Content-Type': TYPES[extname(rel).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', 'Content-Length': body.length });
    res.end(body);
  }
}
