import type { Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** Compute Engine: instances.get. */
export class ComputeService {
  constructor(readonly env: GcpEnv) {}

  routes(): Route[] {
    return [];
  }
}
