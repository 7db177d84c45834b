import type { EmulatorEnv } from './env.js';
import type { ServiceModule } from './protocol.js';

/** Auto Scaling (query protocol, Version 2011-01-01). */
export class AutoScalingService {
  constructor(readonly env: EmulatorEnv) {}

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'autoscaling', queryVersion: '2011-01-01', queryNamespace: 'http://autoscaling.amazonaws.com/doc/2011-01-01/', query: {} };
  }
}
