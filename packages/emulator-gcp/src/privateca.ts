import type { Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** CA Service: CA pools, certificate authorities and certificates. */
export class PrivateCaService {
  constructor(readonly env: GcpEnv) {}

  routes(): Route[] {
    return [];
  }
}
