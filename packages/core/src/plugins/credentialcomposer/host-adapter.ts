import type { CredentialComposer } from './contract.js';
import {
  caAttrsFromMsg,
  caAttrsToMsg,
  jwtAttrsFromMsg,
  jwtAttrsToMsg,
  svidAttrsFromMsg,
  svidAttrsToMsg,
} from './codec.js';
import type { PluginConnection } from '../wire-connection.js';

type Res = { attributes?: never };

/** The CredentialComposer contract over its five unary methods. */
export function credentialComposerAdapter(p: PluginConnection): CredentialComposer {
  return {
    async composeServerX509CA(attributes) {
      const r = await p.unary<Res>('ComposeServerX509CA', { attributes: caAttrsToMsg(attributes) });
      return caAttrsFromMsg(r.attributes);
    },
    async composeServerX509SVID(attributes) {
      const r = await p.unary<Res>('ComposeServerX509SVID', { attributes: svidAttrsToMsg(attributes) });
      return svidAttrsFromMsg(r.attributes);
    },
    async composeAgentX509SVID(attributes, spiffeId, publicKey) {
      const r = await p.unary<Res>('ComposeAgentX509SVID', {
        attributes: svidAttrsToMsg(attributes),
        spiffeId,
        publicKey: Buffer.from(publicKey),
      });
      return svidAttrsFromMsg(r.attributes);
    },
    async composeWorkloadX509SVID(attributes, spiffeId, publicKey) {
      const r = await p.unary<Res>('ComposeWorkloadX509SVID', {
        attributes: svidAttrsToMsg(attributes),
        spiffeId,
        publicKey: Buffer.from(publicKey),
      });
      return svidAttrsFromMsg(r.attributes);
    },
    async composeWorkloadJWTSVID(attributes, spiffeId) {
      const r = await p.unary<Res>('ComposeWorkloadJWTSVID', { attributes: jwtAttrsToMsg(attributes), spiffeId });
      return jwtAttrsFromMsg(r.attributes);
    },
    close: () => p.close(),
  };
}
