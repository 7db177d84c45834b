import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** Organizations (JSON 1.1, AWSOrganizationsV20161128). */
export class OrganizationsService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'organizations', jsonTarget: 'AWSOrganizationsV20161128', json: {} };
  }
}
