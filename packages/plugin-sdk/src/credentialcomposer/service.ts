import type { CredentialComposer } from '@spire-ts/core/plugin';
import { wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bytes, caAttrsFromMsg, caAttrsToMsg, jwtAttrsFromMsg, jwtAttrsToMsg, svidAttrsFromMsg, svidAttrsToMsg } = wire;

/** spire.plugin.server.credentialcomposer.v1.CredentialComposer handlers over a CredentialComposer. */
export function credentialComposerService(cc: () => CredentialComposer): wire.msg.CredentialComposerHandlers {
  return {
    ComposeServerX509CA: unary(async (r: wire.msg.ComposeServerX509CARequest__Output) => ({
      attributes: caAttrsToMsg(await cc().composeServerX509CA(caAttrsFromMsg(r.attributes))),
    })),
    ComposeServerX509SVID: unary(async (r: wire.msg.ComposeServerX509SVIDRequest__Output) => ({
      attributes: svidAttrsToMsg(await cc().composeServerX509SVID(svidAttrsFromMsg(r.attributes))),
    })),
    ComposeAgentX509SVID: unary(async (r: wire.msg.ComposeAgentX509SVIDRequest__Output) => ({
      attributes: svidAttrsToMsg(await cc().composeAgentX509SVID(svidAttrsFromMsg(r.attributes), r.spiffeId ?? '', bytes(r.publicKey))),
    })),
    ComposeWorkloadX509SVID: unary(async (r: wire.msg.ComposeWorkloadX509SVIDRequest__Output) => ({
      attributes: svidAttrsToMsg(await cc().composeWorkloadX509SVID(svidAttrsFromMsg(r.attributes), r.spiffeId ?? '', bytes(r.publicKey))),
    })),
    ComposeWorkloadJWTSVID: unary(async (r: wire.msg.ComposeWorkloadJWTSVIDRequest__Output) => ({
      attributes: jwtAttrsToMsg(await cc().composeWorkloadJWTSVID(jwtAttrsFromMsg(r.attributes), r.spiffeId ?? '')),
    })),
  };
}
