import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a compiled test plugin executable (`dist/test-plugins/<name>.js`), made
 * executable (tsc does not keep the mode). The file starts with `#!/usr/bin/env node`.
 */
export function testPluginPath(name: string): string {
  const p = join(dirname(fileURLToPath(import.meta.url)), `${name}.js`);
  chmodSync(p, 0o755);
  return p;
}
