import type { Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';

/** Key Vault keys: create, get, list, sign, tags and deletion. */
export class KeyVaultService {
  constructor(readonly env: AzureEnv) {}

  routes(): Route[] {
    return [];
  }
}
