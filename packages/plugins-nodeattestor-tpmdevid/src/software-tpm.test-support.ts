/**
 * Test-only: a TPM played in software, for tests that need no swtpm or that need structures a
 * real TPM refuses to make. EK (RSA, TCG template attributes, AES-128-CFB) with an EK certificate
 * carrying a critical directoryName SAN as real ones do; an RSA AK; a P-256 DevID key; the
 * TPM2_Certify output built and signed in TypeScript; credential activation in software.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { TrustDomain, parseCert } from '@spire-ts/core/plugin';
import type { TpmDevidConfig } from './config.js';
import { TestCa } from './testing/test-ca.js';
import * as x509 from './testing/x509-lib.js';
import { activateInSoftware } from './tpm/activate-credential.test-support.js';
import { TpmAlg } from './tpm/tpm-alg.js';
import { AK_ATTRS, certifyAttest, DEVID_ATTRS, eccPublic, EK_ATTRIBUTES, rsaPublic, rsassaSignature } from './tpm/tpm-builders.test-support.js';
import { tpmName } from './tpm/tpm-name.js';
import { decodePublic } from './tpm/tpm-public.js';
import { decodeChallenge, encodeAttestationRequest, encodeChallengeResponse, type AttestationRequest } from './wire.js';

export const td = TrustDomain.parse('example.org');

const der = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);

/** A critical subjectAltName holding only a directoryName, as TCG EK certificates carry. */
export function directoryNameSan(dn = 'CN=swtpm'): x509.Extension {
  const name = Buffer.from(new x509.Name(dn).toArrayBuffer());
  return new x509.Extension('2.5.29.17', true, der(0x30, der(0xa4, name)));
}

export interface SoftwareTpm {
  devIdCa: TestCa;
  ekCa: TestCa;
  ek: { publicKey: KeyObject; privateKey: KeyObject; pub: Buffer; cert: Buffer };
  ak: { publicKey: KeyObject; privateKey: KeyObject; pub: Buffer };
  devId: { publicKey: KeyObject; privateKey: KeyObject; pub: Buffer; cert: Buffer };
  config: TpmDevidConfig;
  /** A genuine request; `override` replaces fields. */
  request(override?: Partial<AttestationRequest>): AttestationRequest;
  payload(override?: Partial<AttestationRequest>): Buffer;
  /** Signs `attest` with the AK as TPM2_Certify would (RSASSA-SHA256). */
  akSign(attest: Buffer): Buffer;
  /** Answers a challenge as the genuine agent. */
  respond(challenge: Uint8Array): Promise<Uint8Array>;
}

/** Makes a software TPM and the two CAs. */
export async function softwareTpm(): Promise<SoftwareTpm> {
  const ekKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const akKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const devKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ekCa = await TestCa.create('Software EK CA');
  const devIdCa = await TestCa.create('DevID CA');
  const ek = { ...ekKeys, pub: rsaPublic(ekKeys.publicKey, { attributes: EK_ATTRIBUTES, aes: true }), cert: await ekCa.issue({ cn: '', publicKey: ekKeys.publicKey, extensions: [directoryNameSan()] }) };
  const ak = { ...akKeys, pub: rsaPublic(akKeys.publicKey, { attributes: AK_ATTRS, scheme: TpmAlg.RSASSA }) };
  const devId = { ...devKeys, pub: eccPublic(devKeys.publicKey, DEVID_ATTRS), cert: await devIdCa.issue({ cn: 'node-sw', publicKey: devKeys.publicKey }) };
  const akSign = (attest: Buffer) => rsassaSignature(sign('sha256', attest, akKeys.privateKey));
  const attest = certifyAttest(tpmName(decodePublic(devId.pub)));
  const request = (override: Partial<AttestationRequest> = {}): AttestationRequest => ({
    devIdCert: [devId.cert],
    devIdPub: devId.pub,
    ekCert: ek.cert,
    ekPub: ek.pub,
    akPub: ak.pub,
    certifiedDevId: attest,
    certificationSignature: akSign(attest),
    ...override,
  });
  const akName = tpmName(decodePublic(ak.pub));
  return {
    devIdCa, ekCa, ek, ak, devId, request, akSign,
    config: { devIdRoots: [parseCert(devIdCa.der)], endorsementRoots: [parseCert(ekCa.der)] },
    payload: (override) => encodeAttestationRequest(request(override)),
    async respond(bytes) {
      const c = decodeChallenge(bytes);
      const credActivation = activateInSoftware(ekKeys.privateKey, { name: 'sha256', size: 32 }, 128, akName, c.credActivation.credential, c.credActivation.secret);
      return encodeChallengeResponse({ devId: sign('sha256', c.devId, { key: devKeys.privateKey, dsaEncoding: 'der' }), credActivation });
    },
  };
}
