import type { Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** Google's instance identity: the certificate endpoint (`/oauth2/v1/certs` with `Expires`) and minted identity tokens. */
export class IitService {
  constructor(readonly env: GcpEnv) {}

  routes(): Route[] {
    return [];
  }
}
