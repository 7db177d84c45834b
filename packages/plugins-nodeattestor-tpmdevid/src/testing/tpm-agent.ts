import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChallengeFn } from '@spire-ts/core/plugin';
import { tpm2b } from '../tpm/tpm2b.js';
import { decodeChallenge, encodeAttestationRequest, encodeChallengeResponse, type AttestationRequest } from '../wire.js';
import type { Swtpm } from './swtpm.js';

/** The DevID key types the harness can create. */
export type DevIdKind = 'rsa' | 'ecc';

/** tpm2-tools attribute lists (SPIRE's reference recipe). */
export const KEY_ATTRIBUTES = {
  srk: 'restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda',
  ak: 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign',
  devId: 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign',
} as const;

const ALGORITHMS: Record<DevIdKind, string> = { rsa: 'rsa2048:rsassa-sha256:null', ecc: 'ecc256:ecdsa-sha256:null' };

/** A key created under the SRK and loaded: its TPMT_PUBLIC (no size prefix) and public key. */
export interface TpmKey {
  name: string;
  kind: DevIdKind;
  pub: Buffer;
  publicKey: KeyObject;
}

// The EK certificate NV index holds the DER followed by padding; keep the first ASN.1 element.
function firstDerElement(b: Buffer): Buffer {
  const lenByte = b[1]!;
  if (lenByte < 0x80) return b.subarray(0, 2 + lenByte);
  const n = lenByte & 0x7f;
  return b.subarray(0, 2 + n + b.subarray(2, 2 + n).readUIntBE(0, n));
}

/**
 * The agent side of tpm_devid on a swtpm, driven with tpm2-tools exactly as docs/tpm.md shows:
 * the EK (certificate from NV 0x01c00002, public area from the TCG default template), an SRK, an
 * AK, a DevID key, TPM2_Certify, TPM2_Sign and TPM2_ActivateCredential. Every file lives in the
 * TPM's directory. Calls must not overlap (they share the TPM and its files).
 */
export class TpmDevidAgent {
  private constructor(
    readonly tpm: Swtpm,
    /** The EK certificate DER. */
    readonly ekCert: Buffer,
    /** The EK TPMT_PUBLIC. */
    readonly ekPub: Buffer,
    readonly ak: TpmKey,
    readonly devId: TpmKey,
  ) {}

  /** Reads the EK, creates the SRK, the AK and a DevID key of `kind`. */
  static async provision(tpm: Swtpm, kind: DevIdKind = 'rsa'): Promise<TpmDevidAgent> {
    await tpm.tool('tpm2_nvread', '0x01c00002', '-C', 'o', '-o', 'ek.nv');
    await tpm.tool('tpm2_createek', '-c', 'ek.ctx', '-G', 'rsa', '-u', 'ek.pub');
    await tpm.tool('tpm2_createprimary', '-C', 'o', '-G', 'rsa2048:aes128cfb', '-g', 'sha256', '-c', 'srk.ctx', '-a', KEY_ATTRIBUTES.srk);
    const read = (f: string) => readFileSync(join(tpm.dir, f));
    const agent = new TpmDevidAgent(
      tpm,
      Buffer.from(firstDerElement(read('ek.nv'))),
      read('ek.pub').subarray(2),
      await TpmDevidAgent.createKey(tpm, 'ak', 'rsa', KEY_ATTRIBUTES.ak),
      await TpmDevidAgent.createKey(tpm, 'devid', kind, KEY_ATTRIBUTES.devId),
    );
    return agent;
  }

  /** Creates and loads a key named `name` under the SRK (for negative cases: another DevID, an unrestricted AK). */
  static async createKey(tpm: Swtpm, name: string, kind: DevIdKind, attributes: string): Promise<TpmKey> {
    await tpm.tool('tpm2_create', '-C', 'srk.ctx', '-G', ALGORITHMS[kind], '-g', 'sha256', '-u', `${name}.pub`, '-r', `${name}.priv`, '-a', attributes);
    await tpm.tool('tpm2_load', '-C', 'srk.ctx', '-u', `${name}.pub`, '-r', `${name}.priv`, '-c', `${name}.ctx`);
    await tpm.tool('tpm2_readpublic', '-c', `${name}.ctx`, '-f', 'pem', '-o', `${name}.pem`);
    const pub = readFileSync(join(tpm.dir, `${name}.pub`)).subarray(2);
    return { name, kind, pub: Buffer.from(pub), publicKey: createPublicKey(readFileSync(join(tpm.dir, `${name}.pem`))) };
  }

  /** TPM2_Certify of `key` by `signer`: the raw TPMS_ATTEST and TPMT_SIGNATURE. */
  async certify(key: TpmKey = this.devId, signer: TpmKey = this.ak): Promise<{ attest: Buffer; signature: Buffer }> {
    await this.tpm.tool('tpm2_certify', '-c', `${key.name}.ctx`, '-C', `${signer.name}.ctx`, '-g', 'sha256', '-o', 'certify.attest', '-s', 'certify.sig');
    return { attest: readFileSync(join(this.tpm.dir, 'certify.attest')), signature: readFileSync(join(this.tpm.dir, 'certify.sig')) };
  }

  /** TPM2_Sign of `data` with `key` (SHA-256; RSASSA or DER ECDSA, as `tpm2_sign -f plain` writes). */
  async sign(data: Buffer, key: TpmKey = this.devId): Promise<Buffer> {
    writeFileSync(join(this.tpm.dir, 'nonce.bin'), data);
    await this.tpm.tool('tpm2_sign', '-c', `${key.name}.ctx`, '-g', 'sha256', '-s', key.kind === 'rsa' ? 'rsassa' : 'ecdsa', '-f', 'plain', '-o', 'nonce.sig', 'nonce.bin');
    return readFileSync(join(this.tpm.dir, 'nonce.sig'));
  }

  /** TPM2_ActivateCredential of a challenge's Credential and Secret, with the EK's policy session. */
  async activate(credential: Buffer, secret: Buffer, key: TpmKey = this.ak): Promise<Buffer> {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(0xbadcc0de, 0);
    head.writeUInt32BE(1, 4);
    writeFileSync(join(this.tpm.dir, 'cred.blob'), Buffer.concat([head, tpm2b(credential), tpm2b(secret)]));
    await this.tpm.tool('tpm2_startauthsession', '--policy-session', '-S', 's.ctx');
    await this.tpm.tool('tpm2_policysecret', '-S', 's.ctx', '-c', 'e');
    await this.tpm.tool('tpm2_activatecredential', '-c', `${key.name}.ctx`, '-C', 'ek.ctx', '-i', 'cred.blob', '-o', 'cred.out', '-P', 'session:s.ctx');
    await this.tpm.tool('tpm2_flushcontext', 's.ctx');
    return readFileSync(join(this.tpm.dir, 'cred.out'));
  }

  /** The attestation payload for `devIdChain` (leaf first), with fresh certify output; `override` replaces fields. */
  async payload(devIdChain: Buffer[], override: Partial<AttestationRequest> = {}): Promise<Buffer> {
    const { attest, signature } = await this.certify();
    return encodeAttestationRequest({
      devIdCert: devIdChain,
      devIdPub: this.devId.pub,
      ekCert: this.ekCert,
      ekPub: this.ekPub,
      akPub: this.ak.pub,
      certifiedDevId: attest,
      certificationSignature: signature,
      ...override,
    });
  }

  /** Answers the server's challenge as a genuine agent: signs with the DevID key and activates the credential with the AK. */
  respond(opts: { signer?: TpmKey; activator?: TpmKey } = {}): ChallengeFn {
    return async (bytes) => {
      const c = decodeChallenge(bytes);
      const devId = await this.sign(c.devId, opts.signer ?? this.devId);
      const credActivation = await this.activate(c.credActivation.credential, c.credActivation.secret, opts.activator ?? this.ak);
      return encodeChallengeResponse({ devId, credActivation });
    };
  }
}
