import type { Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** Cloud Storage JSON API: object metadata and uploads with generation preconditions. */
export class StorageService {
  constructor(readonly env: GcpEnv) {}

  routes(): Route[] {
    return [];
  }
}
