import { randomInt, X509Certificate } from 'node:crypto';
import { checkCaCsr, untaintedRoots, parseCertificatesPem, toPem, type Logger, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import type { EjbcaConfig } from './config.js';
import type { EjbcaClient } from './ejbca-client.js';
import { csrNames, endEntityName } from './end-entity-name.js';
import { EjbcaErrors as E } from './errors.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A random 16-letter end entity password, as SPIRE's. */
function password(): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += LETTERS[randomInt(LETTERS.length)];
  return s;
}

/** The certificates of EJBCA's answer (DER), decoded by `response_format`. */
function decodeAnswer(o: Record<string, unknown>): { cert: Uint8Array; chain: Uint8Array[] } {
  const format = typeof o.response_format === 'string' ? o.response_format : '';
  const cert = typeof o.certificate === 'string' ? o.certificate : '';
  const chain = Array.isArray(o.certificate_chain) ? o.certificate_chain.map((c) => (typeof c === 'string' ? c : '')) : [];
  if (format === 'PEM') {
    const one = (pem: string, err: () => Error) => {
      try {
        return parseCertificatesPem(pem)[0]!;
      } catch {
        throw err();
      }
    };
    return { cert: one(cert, E.certificatePem), chain: chain.map((c) => one(c, E.caCertificatePem)) };
  }
  if (format === 'DER') {
    const b64 = (text: string, err: (d: string) => Error) => {
      if (!BASE64.test(text)) throw err('illegal base64 data');
      return new Uint8Array(Buffer.from(text, 'base64'));
    };
    return { cert: b64(cert, E.derCertificate), chain: chain.map((c) => b64(c, E.derCaCertificate)) };
  }
  throw E.unsupportedFormat(format);
}

/**
 * UpstreamAuthority "ejbca": enrolls the server CA's CSR with EJBCA (`pkcs10enroll`, with the
 * configured CA, profiles and account binding, the chain included) over mutual TLS. The minted
 * chain is the issued certificate followed by EJBCA's chain without its last certificate; that
 * last certificate is the upstream root. Lifetimes come from the EJBCA certificate profile.
 */
export class EjbcaUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly config: EjbcaConfig,
    private readonly client: EjbcaClient,
    private readonly trustDomainId: string,
    private readonly log: Logger,
  ) {}

  /**
   * Yields one response. Throws INVALID_ARGUMENT for a CSR that does not parse or verify or does
   * not name exactly the trust domain (checked before EJBCA is called); INTERNAL, with SPIRE's
   * messages, when no end entity name can be chosen, EJBCA cannot be reached in time, answers an
   * error status or an answer that does not decode.
   */
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): AsyncIterable<MintX509CAResponse> {
    const c = this.config;
    try {
      checkCaCsr(req.csr, this.trustDomainId);
    } catch (e) {
      throw E.parseCsr((e as Error).message);
    }
    let username: string;
    try {
      username = endEntityName(c.endEntityName, csrNames(req.csr));
    } catch (e) {
      throw E.endEntityName((e as Error).message);
    }
    this.log.info({ end_entity_name: username, ca_name: c.caName, certificate_profile_name: c.certificateProfileName }, 'Enrolling certificate with EJBCA');
    let answer;
    try {
      answer = await this.client.enrollPkcs10(
        {
          certificate_request: toPem([req.csr], 'CERTIFICATE REQUEST'),
          certificate_authority_name: c.caName,
          certificate_profile_name: c.certificateProfileName,
          end_entity_profile_name: c.endEntityProfileName,
          username,
          password: password(),
          include_chain: true,
          account_binding_id: c.accountBindingId,
        },
        signal,
      );
    } catch (e) {
      throw E.enroll((e as Error).message, e);
    }
    if (answer.status < 200 || answer.status >= 300) throw E.enroll(`${answer.statusLine} - EJBCA API returned error ${answer.body}`);
    let o: unknown;
    try {
      o = JSON.parse(answer.body);
    } catch (e) {
      throw E.enroll(`${(e as Error).message} - EJBCA API returned error ${answer.body}`, e);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw E.enroll(`answer is not a JSON object - EJBCA API returned error ${answer.body}`);
    const { cert, chain } = decodeAnswer(o as Record<string, unknown>);
    try {
      new X509Certificate(cert);
    } catch (e) {
      throw E.certificate(e);
    }
    try {
      for (const ca of chain) new X509Certificate(ca);
    } catch (e) {
      throw E.caChain(e);
    }
    if (chain.length === 0) throw E.noCaChain();
    yield { x509CaChain: [cert, ...chain.slice(0, -1)], upstreamX509Roots: untaintedRoots([chain.at(-1)!]) };
  }

  /** Always throws UNIMPLEMENTED, as SPIRE's ejbca. */
  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw E.publishUnsupported();
  }

  /** Nothing to release (one connection per call). Safe to call twice. */
  close(): void {}
}
