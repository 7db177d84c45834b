import { goBytes, goField, parseJson } from '@spire-ts/core/plugin';

/** The agent's payload (SPIRE's AttestationRequest); TPM structures carry no TPM2B size prefix. */
export interface AttestationRequest {
  /** Leaf DER first, then intermediates. */
  devIdCert: Buffer[];
  devIdPub: Buffer;
  ekCert: Buffer;
  ekPub: Buffer;
  akPub: Buffer;
  certifiedDevId: Buffer;
  certificationSignature: Buffer;
}

/** The server's challenge (SPIRE's ChallengeRequest). */
export interface ChallengeRequest {
  /** The nonce the DevID key must sign. */
  devId: Buffer;
  credActivation: { credential: Buffer; secret: Buffer };
}

/** The agent's answer (SPIRE's ChallengeResponse). */
export interface ChallengeResponse {
  devId: Buffer;
  credActivation: Buffer;
}

function object(bytes: Uint8Array, what: string): object {
  const doc = parseJson(bytes);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${what} is not a JSON object`);
  return doc;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Decodes the payload as Go's encoding/json would. Throws Error naming the bad field. */
export function decodeAttestationRequest(bytes: Uint8Array): AttestationRequest {
  const doc = object(bytes, 'attestation data');
  const list = goField(doc, 'DevIDCert');
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new Error('DevIDCert is not a list');
  return {
    devIdCert: ((list as unknown[] | null | undefined) ?? []).map((c, i) => goBytes(c, `DevIDCert[${i}]`)),
    devIdPub: goBytes(goField(doc, 'DevIDPub'), 'DevIDPub'),
    ekCert: goBytes(goField(doc, 'EKCert'), 'EKCert'),
    ekPub: goBytes(goField(doc, 'EKPub'), 'EKPub'),
    akPub: goBytes(goField(doc, 'AKPub'), 'AKPub'),
    certifiedDevId: goBytes(goField(doc, 'CertifiedDevID'), 'CertifiedDevID'),
    certificationSignature: goBytes(goField(doc, 'CertificationSignature'), 'CertificationSignature'),
  };
}

/** Encodes a payload with SPIRE's Go field names (the agent side; used by the test agent). */
export function encodeAttestationRequest(r: AttestationRequest): Buffer {
  return Buffer.from(
    JSON.stringify({
      DevIDCert: r.devIdCert.map(b64),
      DevIDPub: b64(r.devIdPub),
      EKCert: b64(r.ekCert),
      EKPub: b64(r.ekPub),
      AKPub: b64(r.akPub),
      CertifiedDevID: b64(r.certifiedDevId),
      CertificationSignature: b64(r.certificationSignature),
    }),
  );
}

/** Encodes the server's challenge. */
export function encodeChallenge(c: ChallengeRequest): Buffer {
  return Buffer.from(
    JSON.stringify({
      DevID: b64(c.devId),
      CredActivation: { Credential: b64(c.credActivation.credential), Secret: b64(c.credActivation.secret) },
    }),
  );
}

/** Decodes the server's challenge (the agent side). Throws Error naming the bad field. */
export function decodeChallenge(bytes: Uint8Array): ChallengeRequest {
  const doc = object(bytes, 'challenge');
  const cred = goField(doc, 'CredActivation');
  return {
    devId: goBytes(goField(doc, 'DevID'), 'DevID'),
    credActivation: {
      credential: goBytes(goField(cred, 'Credential'), 'CredActivation.Credential'),
      secret: goBytes(goField(cred, 'Secret'), 'CredActivation.Secret'),
    },
  };
}

/** Decodes the agent's answer as Go's encoding/json would. Throws Error naming the bad field. */
export function decodeChallengeResponse(bytes: Uint8Array): ChallengeResponse {
  const doc = object(bytes, 'challenge response');
  return {
    devId: goBytes(goField(doc, 'DevID'), 'DevID'),
    credActivation: goBytes(goField(doc, 'CredActivation'), 'CredActivation'),
  };
}

/** Encodes the agent's answer (the agent side). */
export function encodeChallengeResponse(r: ChallengeResponse): Buffer {
  return Buffer.from(JSON.stringify({ DevID: b64(r.devId), CredActivation: b64(r.credActivation) }));
}
