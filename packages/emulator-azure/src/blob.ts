import type { Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';

/** Blob storage: containers and block blob uploads. */
export class BlobService {
  constructor(readonly env: AzureEnv) {}

  routes(): Route[] {
    return [];
  }
}
