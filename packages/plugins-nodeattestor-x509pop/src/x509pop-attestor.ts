import { isIP } from 'node:net';
import {
  agentIdFromTemplate,
  ChainError,
  fingerprint,
  goBytes,
  goField,
  parseCert,
  parseJson,
  serialNumberHex,
  verifyChains,
  type AgentAttributes,
  type Cert,
  type AttestPeer,
  type ChallengeFn,
  type HostServices,
  type Logger,
  type NodeAttestor,
  type TrustDomain,
} from '@spire-ts/core/plugin';
import { decodeResponse, encodeChallenge, generateChallenge, verifyResponse } from './challenge.js';
import type { X509popConfig } from './config.js';
import { X509popErrors as E } from './errors.js';

const PLUGIN_NAME = 'x509pop';

function decodePayload(payload: Uint8Array): Buffer[] {
  const doc = parseJson(payload);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object');
  const list = goField(doc, 'certificates');
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error('certificates must be a list');
  return list.map((c, i) => goBytes(c, `certificates[${i}]`));
}

function tooBig(c: Cert, max: number): boolean {
  return c.rsaBits !== undefined && c.rsaBits > max;
}

/** `x509pop://<td>/<key>/<value>` URI SANs as selector key/values, as SPIRE reads them. */
function uriSanSelectors(leaf: Cert, td: TrustDomain, log: Logger): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = `x509pop://${td.name}/`;
  for (const uri of leaf.uris) {
    if (!uri.startsWith(prefix)) continue;
    let path: string;
    try {
      path = decodeURIComponent(new URL(uri).pathname);
    } catch {
      path = uri.slice(prefix.length - 1);
    }
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    const cut = trimmed.indexOf('/');
    if (cut < 0) {
      log.warn(`cannot extract x509pop san selectors from ${uri}`);
      continue;
    }
    out.set(trimmed.slice(0, cut), trimmed.slice(cut + 1));
  }
  return out;
}

function selectorValues(leaf: Cert, chains: Cert[][], san: Map<string, string>): string[] {
  const out: string[] = [];
  if (leaf.subject.CommonName !== '') out.push(`subject:cn:${leaf.subject.CommonName}`);
  const seen = new Set<string>();
  for (const chain of chains) {
    for (const c of chain.slice(1)) {
      const fp = fingerprint(c);
      if (seen.has(fp)) continue;
      seen.add(fp);
      out.push(`ca:fingerprint:${fp}`);
    }
  }
  out.push(`serialnumber:${serialNumberHex(leaf.serial)}`);
  // Go ranges over a map here, in no fixed order; sorted keys make the list stable.
  for (const k of [...san.keys()].sort()) out.push(`san:${k}:${san.get(k)!}`);
  return out;
}

/** The first spiffe:// URI SAN's path, still escaped (Go's URL.EscapedPath). */
function spiffePath(leaf: Cert): string | undefined {
  const uri = leaf.uris.find((u) => u.toLowerCase().startsWith('spiffe://'));
  if (uri === undefined) return undefined;
  const rest = uri.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return '';
  return rest.slice(slash).replace(/[?#].*$/, '');
}

/** The data agent_path_template sees: the leaf certificate's fields, Go-named, and SPIRE's extras. */
function templateData(td: TrustDomain, leaf: Cert, svidPathTrimmed: string, san: Map<string, string>): Record<string, unknown> {
  return {
    Subject: leaf.subject,
    Issuer: leaf.issuer,
    SerialNumber: leaf.serial,
    NotBefore: leaf.notBefore,
    NotAfter: leaf.notAfter,
    Version: leaf.version,
    IsCA: leaf.isCa,
    DNSNames: leaf.dnsNames,
    EmailAddresses: leaf.emails,
    IPAddresses: leaf.ips,
    URIs: leaf.uris,
    Raw: leaf.der,
    SerialNumberHex: serialNumberHex(leaf.serial),
    Fingerprint: fingerprint(leaf),
    PluginName: PLUGIN_NAME,
    TrustDomain: td.name,
    SVIDPathTrimmed: svidPathTrimmed,
    URISanSelectors: san,
  };
}

/**
 * The x509pop NodeAttestor: the agent sends its certificate chain, the server checks it against
 * the configured CAs (or, in spiffe mode, the server's own bundle) and then challenges the agent to
 * sign fresh nonces with the leaf's key. Wire formats, checks, selectors and agent IDs follow
 * SPIRE's x509pop so a SPIRE agent attests unchanged. Agents may re-attest.
 */
export class X509popAttestor implements NodeAttestor {
  constructor(
    private readonly config: X509popConfig,
    private readonly td: TrustDomain,
    private readonly host: HostServices,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Throws INVALID_ARGUMENT for malformed payloads and responses and for chains or keys over the
   * limits, PERMISSION_DENIED when the chain, the client IP, the proof or the SVID prefix does not
   * check out, INTERNAL (SPIRE's code) when no challenge can be made for the key, the trust bundle
   * cannot be fetched or the agent path template fails.
   */
  async attest(payload: Uint8Array, challengeFn: ChallengeFn, peer?: AttestPeer): Promise<AgentAttributes> {
    const cfg = this.config;
    if (payload.length === 0) throw E.missingPayload();
    let ders: Buffer[];
    try {
      ders = decodePayload(payload);
    } catch (e) {
      throw E.badPayload(e);
    }
    if (ders.length === 0) throw E.noCertificate();
    if (ders.length - 1 > cfg.maxIntermediates) throw E.tooManyIntermediates();

    let leaf: Cert;
    try {
      leaf = parseCert(ders[0]!);
    } catch (e) {
      throw E.badLeaf(e);
    }
    if (tooBig(leaf, cfg.maxRsaKeySize)) throw E.leafKeyTooLarge();
    const intermediates: Cert[] = [];
    for (const [i, der] of ders.slice(1).entries()) {
      let c: Cert;
      try {
        c = parseCert(der);
      } catch (e) {
        throw E.badIntermediate(i, e);
      }
      if (tooBig(c, cfg.maxRsaKeySize)) throw E.intermediateKeyTooLarge(i);
      intermediates.push(c);
    }

    const roots = cfg.mode === 'spiffe' ? await this.serverBundle() : cfg.trustBundle;
    let chains: Cert[][];
    try {
      chains = verifyChains(leaf, intermediates, roots, this.now());
    } catch (e) {
      if (e instanceof ChainError) throw E.verification(e.message);
      throw e;
    }

    if (cfg.verifyClientIp) this.checkClientIp(leaf, peer);

    let challenge;
    try {
      challenge = generateChallenge(leaf);
    } catch (e) {
      throw E.challenge((e as Error).message);
    }
    const answer = await challengeFn(encodeChallenge(challenge));
    let response;
    try {
      response = decodeResponse(answer);
    } catch (e) {
      throw E.badResponse(e);
    }
    try {
      verifyResponse(leaf, challenge, response);
    } catch (e) {
      throw E.responseRejected((e as Error).message);
    }

    let svidPath = '';
    if (cfg.mode === 'spiffe') {
      const p = spiffePath(leaf);
      if (p === undefined) throw E.noSvid();
      if (!p.startsWith(cfg.svidPrefix)) throw E.svidPrefix();
      svidPath = p.slice(cfg.svidPrefix.length);
    }

    const san = uriSanSelectors(leaf, this.td, this.log);
    let spiffeId: string;
    try {
      spiffeId = agentIdFromTemplate(this.td, cfg.pathTemplate, templateData(this.td, leaf, svidPath, san)).toString();
    } catch (e) {
      throw E.agentId(e);
    }
    return { spiffeId, selectorValues: selectorValues(leaf, chains, san), canReattest: true };
  }

  private async serverBundle(): Promise<Cert[]> {
    const idp = this.host.identityProvider;
    if (!idp) throw E.trustBundle(new Error('the IdentityProvider host service is not available'));
    let certs: Cert[];
    try {
      const { bundle } = await idp.fetchX509Identity();
      certs = bundle.x509Authorities.map((a) => parseCert(a.asn1));
    } catch (e) {
      throw E.trustBundle(e);
    }
    if (certs.length === 0) this.log.warn('No trust bundle retrieved from SPIRE');
    return certs;
  }

  private checkClientIp(leaf: Cert, peer: AttestPeer | undefined): void {
    const ip = peer?.clientIp ?? '';
    if (ip === '') throw E.noClientIp();
    const bare = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    if (isIP(bare) === 0) throw E.badClientIp(ip);
    const norm = (a: string) => {
      const v4 = a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
      return isIP(v4) === 6 ? new URL(`http://[${v4}]/`).hostname : v4;
    };
    if (!leaf.ips.some((a) => norm(a) === norm(bare))) throw E.clientIpMismatch(bare);
  }

  /** Holds nothing open; safe to call any number of times. */
  close(): void {}
}
