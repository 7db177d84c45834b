import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** Secrets Manager (JSON 1.1, secretsmanager). */
export class SecretsManagerService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'secretsmanager', jsonTarget: 'secretsmanager', json: {} };
  }
}
