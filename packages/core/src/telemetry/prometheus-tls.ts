import { constants as cryptoConstants, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DetailedPeerCertificate, SecureContextOptions, TLSSocket } from 'node:tls';
import { Code, SpireError, errorMessage } from '../errors.js';
import { SpiffeId } from '../spiffeid/index.js';

/** `telemetry.Prometheus.tls`, already validated by the config reader. */
export interface PrometheusTlsOptions {
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  useSpireSvid: boolean;
  authorizedSpiffeIds: readonly string[];
}

/**
 * The server's identity as the Prometheus listener needs it, read lazily: telemetry starts
 * before the CA, so both may fail (or be undefined) for a while.
 */
export interface ServerIdentitySource {
  /** The server's current X509-SVID (DER, leaf first) and key; undefined before the CA made one. */
  x509Svid(): { certChain: readonly Uint8Array[]; privateKey: KeyObject } | undefined;
  /** The X.509 authorities (DER) of a trust domain's bundle (`example.org`); rejects when unavailable. */
  x509Authorities(trustDomain: string): Promise<readonly Uint8Array[]>;
}

/** What one connection is served with: the options of its TLS context and whether they are new. */
export interface TlsMaterial {
  /** Full tls.Server options (cert, key, ca, requestCert, ...); the same object while nothing changed. */
  options: SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean };
  /** Checks a verified client after the handshake; returns why it is refused, or undefined. */
  authorize(sock: TLSSocket): string | undefined;
}

/** How long fetched trust bundles are reused before they are read again. */
const BUNDLE_CACHE_MS = 5_000;

const pem = (der: Uint8Array): string => new X509Certificate(der).toString();

/** Node's and SPIRE's TLS floor and SPIRE's choice to refuse session resumption by ticket. */
const BASE = { minVersion: 'TLSv1.2' as const, secureOptions: cryptoConstants.SSL_OP_NO_TICKET };

/** The single URI SAN of a certificate as a SPIFFE ID, or undefined. */
function spiffeIdOf(cert: X509Certificate): SpiffeId | undefined {
  const uris = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:'));
  if (uris.length !== 1) return undefined;
  try {
    return SpiffeId.parse(uris[0]!.slice(4));
  } catch {
    return undefined;
  }
}

/** The fingerprint of the trust anchor a verified client chain ended at. */
function anchorOf(sock: TLSSocket): string | undefined {
  let cur: DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  for (let i = 0; i < 10 && cur?.issuerCertificate && cur.issuerCertificate.fingerprint256 !== cur.fingerprint256; i++) cur = cur.issuerCertificate;
  return cur?.fingerprint256;
}

/**
 * The TLS material of the Prometheus listener with upstream's semantics:
 * - cert_file/key_file: that certificate, no client certificate asked for;
 * - plus client_ca_file: a client certificate chaining to those CAs is required;
 * - plus authorized_spiffe_ids: a client X509-SVID chaining to its trust domain's bundle, with
 *   an ID from the list, is required;
 * - use_spire_svid: the server's current X509-SVID instead of the files (with or without
 *   authorized_spiffe_ids).
 * TLS 1.2 or newer, no session tickets. Files are read once, here: rejects with INVALID_ARGUMENT
 * naming the option when one cannot be read.
 */
export async function prometheusTlsMaterial(opts: PrometheusTlsOptions, identity: ServerIdentitySource | undefined): Promise<() => Promise<TlsMaterial>> {
  const read = async (option: string, file: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new SpireError(Code.INVALID_ARGUMENT, `telemetry.Prometheus.tls.${option}: cannot read ${file}: ${errorMessage(err)}`);
    }
  };
  const files = opts.useSpireSvid ? undefined : { cert: await read('cert_file', opts.certFile!), key: await read('key_file', opts.keyFile!) };
  const clientCa = opts.clientCaFile ? await read('client_ca_file', opts.clientCaFile) : undefined;
  const authorized = new Set(opts.authorizedSpiffeIds.map((id) => SpiffeId.parse(id).toString()));
  const trustDomains = [...new Set(opts.authorizedSpiffeIds.map((id) => SpiffeId.parse(id).trustDomain.name))];
  if ((opts.useSpireSvid || authorized.size > 0) && !identity) {
    throw new SpireError(Code.FAILED_PRECONDITION, 'telemetry.Prometheus.tls: use_spire_svid and authorized_spiffe_ids need the server identity');
  }

  let roots: { at: number; byTd: Map<string, Set<string>>; pems: string[]; key: string } | undefined;
  let rootsInFlight: Promise<NonNullable<typeof roots>> | undefined;
  const fetchRoots = async (): Promise<NonNullable<typeof roots>> => {
    const byTd = new Map<string, Set<string>>();
    const pems: string[] = [];
    for (const td of trustDomains) {
      const set = new Set<string>();
      for (const der of await identity!.x509Authorities(td)) {
        const cert = new X509Certificate(der);
        set.add(cert.fingerprint256);
        pems.push(cert.toString());
      }
      byTd.set(td, set);
    }
    return { at: Date.now(), byTd, pems, key: pems.join('') };
  };
  const currentRoots = async () => {
    if (roots && Date.now() - roots.at < BUNDLE_CACHE_MS) return roots;
    rootsInFlight ??= fetchRoots().finally(() => (rootsInFlight = undefined));
    roots = await rootsInFlight;
    return roots;
  };

  const authorize = (sock: TLSSocket): string | undefined => {
    if (authorized.size === 0) return undefined;
    const leaf = sock.getPeerX509Certificate();
    const id = leaf && spiffeIdOf(leaf);
    if (!id) return 'the client certificate is not an X509-SVID';
    if (!authorized.has(id.toString())) return `${id.toString()} is not in authorized_spiffe_ids`;
    // The chain verified against the union of the listed trust domains' roots; it must end at
    // one of the client's own trust domain.
    const anchor = anchorOf(sock);
    if (!anchor || !roots?.byTd.get(id.trustDomain.name)?.has(anchor)) return `the client certificate does not chain to the bundle of ${id.trustDomain.name}`;
    return undefined;
  };

  let made: { key: string; material: TlsMaterial } | undefined;
  let svidPem: { svid: object; cert: string; key: string } | undefined;
  return async () => {
    let certKey = files;
    if (!certKey) {
      const svid = identity!.x509Svid();
      if (!svid) throw new SpireError(Code.UNAVAILABLE, 'the server has no X509-SVID yet');
      if (svidPem?.svid !== svid) {
        svidPem = { svid, cert: svid.certChain.map(pem).join(''), key: svid.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
      }
      certKey = svidPem;
    }
    const r = authorized.size > 0 ? await currentRoots() : undefined;
    if (r && r.pems.length === 0) throw new SpireError(Code.UNAVAILABLE, `no X.509 authorities for ${trustDomains.join(', ')}`);
    const key = `${certKey.cert}|${r?.key ?? ''}`;
    if (made?.key !== key) {
      const ca = r ? r.pems : clientCa ? [clientCa] : undefined;
      const requestCert = ca !== undefined;
      made = {
        key,
        material: {
          options: { ...BASE, cert: certKey.cert, key: certKey.key, ...(ca ? { ca } : {}), requestCert, rejectUnauthorized: requestCert },
          authorize,
        },
      };
    }
    return made.material;
  };
}
