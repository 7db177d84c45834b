import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** IAM (query protocol, Version 2010-05-08). */
export class IamService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'iam', queryVersion: '2010-05-08', queryNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/', query: {} };
  }
}
