import { ConfigReader, defineKeyManager, InProcessKeyManager } from '@spire-ts/core/plugin';

/** The memory KeyManager has no options. */
export type MemoryKeyManagerConfig = Record<string, never>;

/**
 * KeyManager "memory": keys are generated and held in this process only and are lost when the
 * server stops (so every restart rotates the CA). Lends its keys to the CA's signing workers.
 */
export const memoryKeyManager = defineKeyManager<MemoryKeyManagerConfig>({
  name: 'memory',
  parseConfig: (raw) => new ConfigReader(raw).result({}),
  create: () => new InProcessKeyManager(),
});
