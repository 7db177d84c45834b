import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** IAM Roles Anywhere (REST-JSON). */
export class RolesAnywhereService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'rolesanywhere', rest: [] };
  }
}
