import type { CredentialComposer } from '@spire-ts/core/plugin';
import { wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bytes, caAttrsFromMsg, caAttrsToMsg, jwtAttrsFromMsg, jwtAttrsToMsg, svidAttrsFromMsg, svidAttrsToMsg } = wire;

type Req = { attributes?: never; spiffeId?: string; publicKey?: Uint8Array };

/** spire.plugin.server.credentialcomposer.v1.CredentialComposer handlers over a CredentialComposer. */
export function credentialComposerService(cc: () => CredentialComposer) {
  return {
    ComposeServerX509CA: unary(async (r: Req) => ({ attributes: caAttrsToMsg(await cc().composeServerX509CA(caAttrsFromMsg(r.attributes))) })),
    ComposeServerX509SVID: unary(async (r: Req) => ({
      attributes: svidAttrsToMsg(await cc().composeServerX509SVID(svidAttrsFromMsg(r.attributes))),
    })),
    ComposeAgentX509SVID: unary(async (r: Req) => ({
      attributes: svidAttrsToMsg(await cc().composeAgentX509SVID(svidAttrsFromMsg(r.attributes), r.spiffeId ?? '', bytes(r.publicKey))),
    })),
    ComposeWorkloadX509SVID: unary(async (r: Req) => ({
      attributes: svidAttrsToMsg(await cc().composeWorkloadX509SVID(svidAttrsFromMsg(r.attributes), r.spiffeId ?? '', bytes(r.publicKey))),
    })),
    ComposeWorkloadJWTSVID: unary(async (r: Req) => ({
      attributes: jwtAttrsToMsg(await cc().composeWorkloadJWTSVID(jwtAttrsFromMsg(r.attributes), r.spiffeId ?? '')),
    })),
  };
}
