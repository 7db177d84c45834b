import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** EC2 (ec2 query protocol, Version 2016-11-15). */
export class Ec2Service {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'ec2', queryVersion: '2016-11-15', queryFlavor: 'ec2', queryNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/', query: {} };
  }
}
