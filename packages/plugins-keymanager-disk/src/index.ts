import { ConfigReader, defineKeyManager, InProcessKeyManager } from '@spire-ts/core/plugin';
import { loadKeysFile, writeKeysFile } from './keys-file.js';

/** Options of KeyManager "disk". */
export interface DiskKeyManagerConfig {
  /** Path of the keys file; a relative path is taken from the working directory, as SPIRE does. */
  keysPath: string;
}

/**
 * KeyManager "disk": keys held in this process and persisted to `keys_path` (SPIRE's JSON format,
 * written atomically with mode 0600), so they survive a restart. Lends its keys to the CA's
 * signing workers.
 */
export const diskKeyManager = defineKeyManager<DiskKeyManagerConfig>({
  name: 'disk',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const keysPath = r.string('keys_path', { required: true });
    if (keysPath === '') r.problem('keys_path is required');
    return r.result({ keysPath: keysPath ?? '' });
  },
  create: async ({ config }) => {
    const entries = await loadKeysFile(config.keysPath);
    return new InProcessKeyManager(entries, (all) => writeKeysFile(config.keysPath, all));
  },
});
