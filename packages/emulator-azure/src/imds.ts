import type { Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';

/** The Instance Metadata Service's attested document: a PKCS#7 signed by a test "Azure" certificate chain, and the metadata an agent sends. */
export class ImdsService {
  constructor(readonly env: AzureEnv) {}

  routes(): Route[] {
    return [];
  }
}
