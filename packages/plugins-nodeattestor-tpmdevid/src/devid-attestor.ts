import { randomBytes } from 'node:crypto';
import {
  agentId,
  ChainError,
  fingerprint,
  parseCert,
  verifyChains,
  type AgentAttributes,
  type Cert,
  type ChallengeFn,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import type { TpmDevidConfig } from './config.js';
import { TpmDevidErrors as E } from './errors.js';
import { activationFailure, devIdSignatureFailure } from './proof.js';
import { verifyResidency } from './residency.js';
import { selectorValues } from './selectors.js';
import { decodeAttestationRequest, decodeChallengeResponse, encodeChallenge, type AttestationRequest } from './wire.js';

/** The plugin's name, and the first segment of the agent path. */
export const PLUGIN_NAME = 'tpm_devid';
/** SPIRE's DevID nonce size. */
export const DEVID_NONCE_SIZE = 32;
/** The largest payload accepted (hardening; a DevID chain and three public areas are a few KiB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** The most certificates accepted in DevIDCert, leaf included (hardening). */
export const MAX_DEVID_CHAIN = 8;

/** Internal knobs for tests; not configuration. */
export interface TpmDevidOptions {
  now?: () => Date;
}

/**
 * The tpm_devid NodeAttestor: the agent presents a DevID certificate and proves, through its TPM's
 * endorsement key, attestation key and TPM2_Certify, that the DevID key lives in a genuine TPM;
 * one challenge round then checks possession of the DevID key and the credential activation.
 * Wire format, check order, codes, selectors and the agent ID follow SPIRE; the hardening checks
 * SPIRE lacks are added. Agents may re-attest (no TOFU).
 */
export class TpmDevidAttestor implements NodeAttestor {
  private readonly now: () => Date;

  constructor(
    private readonly config: TpmDevidConfig,
    private readonly td: TrustDomain,
    opts: TpmDevidOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Throws INVALID_ARGUMENT when the payload, a certificate, a TPM structure, the chain checks,
   * the certification or a challenge answer fails, and INTERNAL when no credential challenge can
   * be made or the agent ID is invalid. Errors of `challengeFn` propagate unchanged.
   */
  async attest(payload: Uint8Array, challengeFn: ChallengeFn): Promise<AgentAttributes> {
    if (payload.length === 0) throw E.missingPayload();
    if (payload.length > MAX_PAYLOAD_BYTES) throw E.payloadTooLarge(payload.length, MAX_PAYLOAD_BYTES);
    let req: AttestationRequest;
    try {
      req = decodeAttestationRequest(payload);
    } catch (e) {
      throw E.badPayload(e);
    }
    if (req.devIdCert.length === 0) throw E.noDevIdCert();
    if (req.devIdCert.length > MAX_DEVID_CHAIN) throw E.chainTooLong(req.devIdCert.length, MAX_DEVID_CHAIN);

    const now = this.now();
    const { leaf, chains } = this.verifyDevIdChain(req.devIdCert, now);
    const devIdNonce = randomBytes(DEVID_NONCE_SIZE);
    const residency = verifyResidency(req, leaf, this.config.endorsementRoots, now);

    const answer = await challengeFn(encodeChallenge({ devId: devIdNonce, credActivation: residency.credActivation }));
    let response;
    try {
      response = decodeChallengeResponse(answer);
    } catch (e) {
      throw E.badResponse(e);
    }
    const sigFailure = devIdSignatureFailure(leaf, devIdNonce, response.devId);
    if (sigFailure) throw E.devIdChallenge(sigFailure);
    const activation = activationFailure(residency.nonce, response.credActivation);
    if (activation) throw E.credentialActivation(activation);

    let spiffeId: string;
    try {
      spiffeId = agentId(this.td, PLUGIN_NAME, fingerprint(leaf)).toString();
    } catch (e) {
      throw E.agentId(e);
    }
    return { spiffeId, selectorValues: selectorValues(leaf, chains), canReattest: true };
  }

  private verifyDevIdChain(ders: Buffer[], now: Date): { leaf: Cert; chains: Cert[][] } {
    let leaf: Cert;
    try {
      leaf = parseCert(ders[0]!);
    } catch (e) {
      throw E.badDevIdCert(e);
    }
    const intermediates = ders.slice(1).map((der, i) => {
      try {
        return parseCert(der);
      } catch (e) {
        throw E.badIntermediate(i, e);
      }
    });
    try {
      return { leaf, chains: verifyChains(leaf, intermediates, this.config.devIdRoots, now) };
    } catch (e) {
      if (e instanceof ChainError) throw E.devIdChain(e.message);
      throw e;
    }
  }

  /** Holds nothing open; safe to call any number of times. */
  close(): void {}
}
