import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { entryPkcs8, InProcessKeyManager, keyEntryFromPkcs8 } from '../../plugins/keymanager/in-process-key-manager.js';

/**
 * A file-backed in-process KeyManager for core's crash tests (core cannot import the disk plugin
 * package): same atomic write as the disk plugin (temp file, fsync, rename).
 */
export function fileKeyManager(path: string): InProcessKeyManager {
  const initial = existsSync(path)
    ? Object.entries((JSON.parse(readFileSync(path, 'utf8')) as { keys: Record<string, string> }).keys).map(([id, b64]) =>
        keyEntryFromPkcs8(id, Buffer.from(b64, 'base64')),
      )
    : [];
  return new InProcessKeyManager(initial, async (entries) => {
    const keys: Record<string, string> = {};
    for (const e of entries) keys[e.id] = Buffer.from(entryPkcs8(e)).toString('base64');
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, JSON.stringify({ keys }));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  });
}
