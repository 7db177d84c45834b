import { randomBytes } from 'node:crypto';
import { parseCert, type Cert } from '@spire-ts/core/plugin';
import { verifyCertification } from './certify-check.js';
import { ekChainFailure, ekMismatch } from './ek-check.js';
import { TpmDevidErrors as E } from './errors.js';
import { makeCredential, type MadeCredential } from './tpm/make-credential.js';
import { tpmHash } from './tpm/tpm-alg.js';
import { tpmName } from './tpm/tpm-name.js';
import { decodePublic, publicKeyOf, type TpmPublic } from './tpm/tpm-public.js';
import type { AttestationRequest } from './wire.js';

/** The credential activation challenge and the nonce the agent must recover. */
export interface ResidencyChallenge {
  credActivation: MadeCredential;
  nonce: Buffer;
}

function decode(bytes: Buffer, onError: (e: unknown) => Error): TpmPublic {
  try {
    return decodePublic(bytes);
  } catch (e) {
    throw onError(e);
  }
}

function sameKey(cert: Cert, pub: TpmPublic): boolean {
  try {
    const spki = (k: Cert['publicKey']) => k.export({ type: 'spki', format: 'der' });
    return spki(cert.publicKey).equals(spki(publicKeyOf(pub)));
  } catch {
    return false;
  }
}

/**
 * Checks that the DevID key lives in the TPM whose EK certificate chains to `ekRoots`, in SPIRE's
 * order: all four blobs present; the EK certificate and the three public areas decode; (hardening)
 * the DevID certificate's key is DevIDPub; the EK certificate key is EKPub; the EK certificate
 * chains to the endorsement roots; the AK certified the DevID key. It then makes the credential
 * activation challenge that binds the AK to the EK. Throws the coded error of the first failed check.
 */
export function verifyResidency(req: AttestationRequest, devIdCert: Cert, ekRoots: Cert[], now: Date): ResidencyChallenge {
  if (req.akPub.length === 0) throw E.missingAkPub();
  if (req.devIdPub.length === 0) throw E.missingDevIdPub();
  if (req.ekCert.length === 0) throw E.missingEkCert();
  if (req.ekPub.length === 0) throw E.missingEkPub();

  let ekCert: Cert;
  try {
    ekCert = parseCert(req.ekCert);
  } catch (e) {
    throw E.badEkCert(e);
  }
  const devIdPub = decode(req.devIdPub, E.badDevIdPub);
  const akPub = decode(req.akPub, E.badAkPub);
  const ekPub = decode(req.ekPub, E.badEkPub);

  if (!sameKey(devIdCert, devIdPub)) throw E.devIdKeyMismatch();
  const mismatch = ekMismatch(ekCert, ekPub);
  if (mismatch) throw E.ekMismatch(mismatch);
  const chainFailure = ekChainFailure(ekCert, ekRoots, now);
  if (chainFailure) throw E.ekChain(chainFailure);
  try {
    verifyCertification(akPub, devIdPub, req.certifiedDevId, req.certificationSignature);
  } catch (e) {
    throw E.certify((e as Error).message);
  }

  try {
    const nonce = randomBytes(tpmHash(ekPub.nameAlg).size);
    return { credActivation: makeCredential(ekPub, tpmName(akPub), nonce), nonce };
  } catch (e) {
    throw E.credentialChallenge(e);
  }
}
