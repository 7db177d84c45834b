import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** EKS (REST-JSON). */
export class EksService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'eks', rest: [] };
  }
}
