import { createHash, randomBytes } from 'node:crypto';
import { agentIdFromTemplate, type AgentAttributes, type ChallengeFn, type NodeAttestor, type TrustDomain } from '@spire-ts/core/plugin';
import type { SshpopConfig } from './config.js';
import { SshpopErrors as E } from './errors.js';
import { goBytes, goField, parseJson } from '@spire-ts/core/plugin';
import { CERT_TIME_INFINITY, HOST_CERT, parseCertificate, verifySshSignature, type SshCertificate, type SshSignature } from './ssh-wire.js';

const PLUGIN_NAME = 'sshpop';
const NONCE_LEN = 32;

function readCertificate(payload: Uint8Array): SshCertificate {
  let blob: Buffer;
  try {
    const doc = parseJson(payload);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object');
    blob = goBytes(goField(doc, 'Certificate'), 'Certificate');
  } catch (e) {
    throw E.badPayload(e);
  }
  if (blob.length === 0) throw E.noCertificate();
  try {
    return parseCertificate(blob);
  } catch (e) {
    if ((e as Error).message === 'pubkey in response is not a certificate') throw E.notACertificate();
    throw E.badPublicKey(e);
  }
}

/** Go's CertChecker.CheckHostKey with IsHostAuthority over the configured CAs. */
function checkHostKey(cert: SshCertificate, cfg: SshpopConfig, nowSeconds: bigint): void {
  const principal = cert.validPrincipals[0]!;
  if (cert.certType !== HOST_CERT) throw E.hostKey(`ssh: certificate presented as a host key has type ${cert.certType}`);
  if (!cfg.certAuthorities.some((ca) => ca.blob.equals(cert.signatureKey.blob))) {
    throw E.hostKey(`ssh: no authorities for hostname: ${principal}:22`);
  }
  for (const opt of [...cert.criticalOptions.keys()].sort()) {
    if (opt !== 'source-address') throw E.hostKey(`ssh: unsupported critical option "${opt}" in certificate`);
  }
  // validAfter/validBefore are uint64; Go reads them as int64, so values past 2^63 count as negative.
  const signed = (v: bigint) => BigInt.asIntN(64, v);
  if (signed(cert.validAfter) < 0n || nowSeconds < signed(cert.validAfter)) throw E.hostKey('ssh: cert is not yet valid');
  if (cert.validBefore !== CERT_TIME_INFINITY && (nowSeconds >= signed(cert.validBefore) || signed(cert.validBefore) < 0n)) {
    throw E.hostKey('ssh: cert has expired');
  }
  try {
    verifySshSignature(cert.signatureKey, cert.signed, cert.signature);
  } catch {
    throw E.hostKey('ssh: certificate signature does not verify');
  }
}

function readResponse(bytes: Uint8Array): { nonce: Buffer; signature: SshSignature | undefined } {
  const doc = parseJson(bytes);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object');
  const nonce = goBytes(goField(doc, 'Nonce'), 'Nonce');
  const sig = goField(doc, 'Signature');
  if (sig === undefined || sig === null) return { nonce, signature: undefined };
  if (typeof sig !== 'object' || Array.isArray(sig)) throw new Error('Signature must be an object');
  const format = goField(sig, 'Format');
  if (format !== undefined && format !== null && typeof format !== 'string') throw new Error('Signature.Format must be a string');
  const rest = goBytes(goField(sig, 'Rest'), 'Signature.Rest');
  return {
    nonce,
    signature: { format: format ?? '', blob: goBytes(goField(sig, 'Blob'), 'Signature.Blob'), ...(rest.length > 0 ? { rest } : {}) },
  };
}

/** The data agent_path_template sees: the certificate's fields, Go-named, and SPIRE's extras. */
function templateData(cert: SshCertificate, hostname: string): Record<string, unknown> {
  const permissions = { CriticalOptions: cert.criticalOptions, Extensions: cert.extensions };
  return {
    Nonce: cert.nonce,
    Key: cert.key.type,
    Serial: cert.serial,
    CertType: cert.certType,
    KeyId: cert.keyId,
    ValidPrincipals: cert.validPrincipals,
    ValidAfter: cert.validAfter,
    ValidBefore: cert.validBefore,
    Permissions: permissions,
    ...permissions,
    Reserved: cert.reserved,
    SignatureKey: cert.signatureKey.type,
    PluginName: PLUGIN_NAME,
    Fingerprint: createHash('sha256').update(cert.raw).digest('base64url'),
    Hostname: hostname,
  };
}

/**
 * The sshpop NodeAttestor: the agent sends its OpenSSH host certificate, the server checks it
 * was signed by a configured CA (as SPIRE's ssh.CertChecker does) and challenges the agent to sign
 * SHA-256(server nonce ‖ agent nonce) with the host key. Agents may re-attest; no selectors are
 * emitted, as in SPIRE.
 */
export class SshpopAttestor implements NodeAttestor {
  constructor(
    private readonly config: SshpopConfig,
    private readonly td: TrustDomain,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Throws INVALID_ARGUMENT for malformed payloads and responses, PERMISSION_DENIED when the
   * certificate, its principal or the proof does not check out, and INTERNAL when the agent path
   * template fails or renders an ID that breaks the SPIFFE ID rules.
   */
  async attest(payload: Uint8Array, challengeFn: ChallengeFn): Promise<AgentAttributes> {
    const cfg = this.config;
    if (payload.length === 0) throw E.missingPayload();
    const cert = readCertificate(payload);
    if (cert.validPrincipals.length === 0) throw E.noPrincipals();
    checkHostKey(cert, cfg, BigInt(Math.floor(this.now() / 1000)));
    let hostname = cert.validPrincipals[0]!;
    if (cfg.canonicalDomain !== '') {
      const suffix = `.${cfg.canonicalDomain}`;
      if (!hostname.endsWith(suffix)) throw E.decanonicalize(cfg.canonicalDomain);
      hostname = hostname.slice(0, -suffix.length);
    }

    const nonce = randomBytes(NONCE_LEN);
    const answer = await challengeFn(Buffer.from(JSON.stringify({ Nonce: nonce.toString('base64') })));
    let response;
    try {
      response = readResponse(answer);
    } catch (e) {
      throw E.badResponse(e);
    }
    if (response.nonce.length !== NONCE_LEN) throw E.nonces('invalid response nonce size');
    const toBeSigned = createHash('sha256').update(nonce).update(response.nonce).digest();
    if (!response.signature) throw E.signature('missing signature');
    try {
      verifySshSignature(cert.key, toBeSigned, response.signature);
    } catch (e) {
      throw E.signature((e as Error).message);
    }

    let spiffeId: string;
    try {
      spiffeId = agentIdFromTemplate(this.td, cfg.pathTemplate, templateData(cert, hostname)).toString();
    } catch (e) {
      throw E.agentId(e);
    }
    return { spiffeId, selectorValues: [], canReattest: true };
  }

  /** Holds nothing open; safe to call any number of times. */
  close(): void {}
}
