import type { Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** Cloud KMS: key rings, crypto keys and versions, asymmetric signing. */
export class KmsService {
  constructor(readonly env: GcpEnv) {}

  routes(): Route[] {
    return [];
  }
}
