import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** ACM Private CA (JSON 1.1, ACMPrivateCA). */
export class AcmPcaService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'acm-pca', jsonTarget: 'ACMPrivateCA', json: {} };
  }
}
