import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of a fixture in src/config/testdata (tests run from dist/config). */
export function fixturePath(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'config', 'testdata', name);
}

/** The text of a fixture. */
export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A minimal valid config around some extra server options and plugins. */
export function minimalConfig(serverExtra = '', plugins = 'KeyManager "memory" {}'): string {
  return `server {
  trust_domain = "example.org"
  data_dir = "/var/lib/spire"
${serverExtra}
}
plugins {
${plugins}
}
`;
}
