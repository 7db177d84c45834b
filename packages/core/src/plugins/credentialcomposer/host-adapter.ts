import type { CredentialComposer } from './contract.js';
import {
  caAttrsFromMsg,
  caAttrsToMsg,
  jwtAttrsFromMsg,
  jwtAttrsToMsg,
  svidAttrsFromMsg,
  svidAttrsToMsg,
} from './codec.js';
import type * as msg from '../wire-messages.js';
import type { PluginConnection } from '../wire-connection.js';

/** The CredentialComposer contract over its five unary methods. */
export function credentialComposerAdapter(p: PluginConnection): CredentialComposer {
  return {
    async composeServerX509CA(attributes) {
      const req: msg.ComposeServerX509CARequest = { attributes: caAttrsToMsg(attributes) };
      const r = await p.unary<msg.ComposeServerX509CAResponse__Output>('ComposeServerX509CA', req);
      return caAttrsFromMsg(r.attributes);
    },
    async composeServerX509SVID(attributes) {
      const req: msg.ComposeServerX509SVIDRequest = { attributes: svidAttrsToMsg(attributes) };
      const r = await p.unary<msg.ComposeServerX509SVIDResponse__Output>('ComposeServerX509SVID', req);
      return svidAttrsFromMsg(r.attributes);
    },
    async composeAgentX509SVID(attributes, spiffeId, publicKey) {
      const req: msg.ComposeAgentX509SVIDRequest = { attributes: svidAttrsToMsg(attributes), spiffeId, publicKey: Buffer.from(publicKey) };
      const r = await p.unary<msg.ComposeAgentX509SVIDResponse__Output>('ComposeAgentX509SVID', req);
      return svidAttrsFromMsg(r.attributes);
    },
    async composeWorkloadX509SVID(attributes, spiffeId, publicKey) {
      const req: msg.ComposeWorkloadX509SVIDRequest = { attributes: svidAttrsToMsg(attributes), spiffeId, publicKey: Buffer.from(publicKey) };
      const r = await p.unary<msg.ComposeWorkloadX509SVIDResponse__Output>('ComposeWorkloadX509SVID', req);
      return svidAttrsFromMsg(r.attributes);
    },
    async composeWorkloadJWTSVID(attributes, spiffeId) {
      const req: msg.ComposeWorkloadJWTSVIDRequest = { attributes: jwtAttrsToMsg(attributes), spiffeId };
      const r = await p.unary<msg.ComposeWorkloadJWTSVIDResponse__Output>('ComposeWorkloadJWTSVID', req);
      return jwtAttrsFromMsg(r.attributes);
    },
    close: () => p.close(),
  };
}
