import type { Route } from '@spire-ts/emulator-kit';
import type { AzureEnv } from './env.js';

/** Azure Resource Manager: resources list, virtual machines, network interfaces. */
export class ArmService {
  constructor(readonly env: AzureEnv) {}

  routes(): Route[] {
    return [];
  }
}
