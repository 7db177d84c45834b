// The built console: where the server finds index.html, app.js and app.css.
import { fileURLToPath } from 'node:url';

/** Absolute path of the built assets (made by `node build.mjs`). */
export const assetsDir = fileURLToPath(new URL('./dist/', import.meta.url));
