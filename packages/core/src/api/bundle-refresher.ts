import { request } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import { Code, SpireError, errorMessage } from '../errors.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import { SpiffeId, TrustDomain } from '../spiffeid/index.js';
import { bundleFromProto } from './convert/bundle.js';
import { bundleFromSpiffeJson } from './convert/cli-json.js';
import type { BundleRefresher } from './ports.js';

/** The largest bundle document accepted from an endpoint. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** Options of the HTTPS bundle fetcher. */
export interface BundleRefresherOptions {
  /** Extra roots for https_web endpoints (tests); by default the system roots. */
  webRoots?: string[];
  timeoutMs?: number;
}

/**
 * Fetches a federation relationship's bundle endpoint once and stores the bundle, as SPIRE's
 * bundle client does:
 * - https_web: ordinary Web PKI TLS;
 * - https_spiffe: the endpoint must present an X509-SVID for `endpoint_spiffe_id` that chains to
 *   the stored bundle of that ID's trust domain.
 * The periodic schedule belongs to the federation work.
 */
export class HttpsBundleRefresher implements BundleRefresher {
  constructor(
    private readonly ds: DataStore,
    private readonly opts: BundleRefresherOptions = {},
  ) {}

  /** Throws NOT_FOUND without a relationship, UNAVAILABLE when the fetch fails, INVALID_ARGUMENT for a bad document. */
  async refreshBundle(trustDomain: string): Promise<void> {
    const td = TrustDomain.parse(trustDomain);
    const fr = await this.ds.fetchFederationRelationship(td.name);
    if (!fr) throw new SpireError(Code.NOT_FOUND, `no relationship with trust domain "${td.name}"`);
    let body: string;
    if (fr.bundleEndpointProfile === 'https_spiffe') {
      const endpointId = SpiffeId.parse(fr.endpointSpiffeId ?? '');
      const anchor = await this.ds.fetchBundle(endpointId.trustDomain.idString());
      if (!anchor || anchor.rootCas.length === 0) {
        throw new SpireError(Code.FAILED_PRECONDITION, `no bundle for trust domain "${endpointId.trustDomain.name}" to authenticate the bundle endpoint`);
      }
      body = await this.get(fr.bundleEndpointUrl, anchor.rootCas.map((c) => pem(c.derBytes)), (cert) => {
        const uris = (cert.subjectaltname ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
        if (!uris.includes(endpointId.toString())) {
          return new Error(`unexpected ID "${uris.join(',')}"; expected "${endpointId.toString()}"`);
        }
        return undefined;
      });
    } else {
      body = await this.get(fr.bundleEndpointUrl, this.opts.webRoots);
    }
    let bundle;
    try {
      bundle = bundleFromProto(bundleFromSpiffeJson(body, td.name));
    } catch (err) {
      throw new SpireError(Code.INVALID_ARGUMENT, `bundle endpoint returned an invalid bundle: ${errorMessage(err)}`, { cause: err });
    }
    await this.ds.setBundle(bundle);
  }

  private get(url: string, ca: string[] | undefined, checkPeer?: (cert: PeerCertificate) => Error | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => reject(new SpireError(Code.UNAVAILABLE, `failed to fetch bundle from ${url}: ${errorMessage(err)}`, { cause: err }));
      const req = request(
        url,
        {
          method: 'GET',
          ca,
          // A fresh connection each time: a pooled or resumed one would skip the peer checks.
          agent: false,
          timeout: this.opts.timeoutMs ?? 10_000,
          // For https_spiffe the identity check is the SPIFFE ID below, not the host name.
          ...(checkPeer ? { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkPeer(cert) } : {}),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            fail(new Error(`unexpected status ${res.statusCode}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (d: Buffer) => {
            size += d.length;
            if (size > MAX_BUNDLE_BYTES) {
              req.destroy(new Error('bundle document too large'));
              return;
            }
            chunks.push(d);
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', fail);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', fail);
      req.end();
    });
  }
}
