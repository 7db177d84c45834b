import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** KMS (JSON 1.1, TrentService). */
export class KmsService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'kms', jsonTarget: 'TrentService', json: {} };
  }
}
