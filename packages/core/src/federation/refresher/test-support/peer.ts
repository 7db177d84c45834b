// Test support for the refresher's suites: a federated peer (its CA, certificates with chosen
// validity, an HTTPS bundle endpoint whose answer each test sets), fake timers, and the store.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { bundleToJwks } from '../../../ca/bundle-jwks.js';
import { toPem } from '../../../ca/x509/certificate.js';
import type { Bundle } from '../../../plugins/datastore/contract.js';
import type { TimerHandle, Timers } from '../timers.js';

x509.cryptoProvider.set(webcrypto as never);
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const HOUR = 3600_000;

/** A certificate and its key, PEM. */
export interface PeerCert {
  der: Uint8Array;
  certPem: string;
  keyPem: string;
}

let serial = 1;

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return toPem([new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))], 'PRIVATE KEY');
}

/** Validity of a certificate, Unix ms. */
export interface Validity {
  notBefore?: number;
  notAfter?: number;
}

/** The CA of a federated trust domain. */
export class PeerCA {
  private constructor(
    readonly trustDomain: string,
    readonly root: PeerCert,
    private readonly cert: x509.X509Certificate,
    private readonly keys: webcrypto.CryptoKeyPair,
  ) {}

  /** A self-signed root for `trustDomain` (valid for a day by default). */
  static async create(trustDomain: string, v: Validity = {}): Promise<PeerCA> {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (serial++).toString(16).padStart(2, '0'),
      name: `O=SPIFFE, CN=root ${trustDomain}`,
      notBefore: new Date(v.notBefore ?? Date.now() - 60_000),
      notAfter: new Date(v.notAfter ?? Date.now() + 24 * HOUR),
      keys,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const der = new Uint8Array(cert.rawData);
    return new PeerCA(trustDomain, { der, certPem: toPem([der]), keyPem: await keyPem(keys) }, cert, keys);
  }

  /** A server certificate with `uri` (a SPIFFE ID) and/or DNS names, signed by this root. */
  async issue(names: { uri?: string; dns?: string[]; ip?: string[] }, v: Validity = {}): Promise<PeerCert> {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16).padStart(2, '0'),
      subject: 'O=SPIRE',
      issuer: this.cert.subject,
      notBefore: new Date(v.notBefore ?? Date.now() - 60_000),
      notAfter: new Date(v.notAfter ?? Date.now() + HOUR),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...(names.uri ? [{ type: 'url' as const, value: names.uri }] : []),
          ...(names.dns ?? []).map((d) => ({ type: 'dns' as const, value: d })),
          ...(names.ip ?? []).map((d) => ({ type: 'ip' as const, value: d })),
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
      ],
    });
    const der = new Uint8Array(cert.rawData);
    return { der, certPem: toPem([der]), keyPem: await keyPem(keys) };
  }

  /** The bundle this trust domain would serve: its root, the given hint and sequence. */
  bundle(refreshHint = 300, sequenceNumber = 1, extraRoots: Uint8Array[] = []): Bundle {
    return {
      trustDomainId: `spiffe://${this.trustDomain}`,
      rootCas: [this.root.der, ...extraRoots].map((derBytes) => ({ derBytes, taintedKey: false })),
      jwtSigningKeys: [],
      refreshHint,
      sequenceNumber,
    };
  }
}

/** A self-signed leaf (issued by no CA: not a CA itself, serverAuth) carrying `uri`. */
export async function selfSigned(uri: string): Promise<PeerCert> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: 'O=SPIRE',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + HOUR),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: uri }]),
    ],
  });
  const der = new Uint8Array(cert.rawData);
  return { der, certPem: toPem([der]), keyPem: await keyPem(keys) };
}

/** The SPIFFE bundle document of `b`, as a bundle endpoint serves it. */
export function bundleDocument(b: Bundle): string {
  return JSON.stringify(bundleToJwks(b), null, 4);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTPS endpoint whose answer a test sets; counts the requests it got. */
export class PeerEndpoint {
  requests = 0;
  handler: Handler = (_req, res) => res.end('{}');
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(cert: PeerCert): Promise<PeerEndpoint> {
    const holder: { endpoint?: PeerEndpoint } = {};
    const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      holder.endpoint!.requests++;
      holder.endpoint!.handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // A test that fails before close() must not keep its process alive.
    server.unref();
    holder.endpoint = new PeerEndpoint(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return holder.endpoint;
  }

  /** Serves `body` with status 200 (or `status`). */
  serve(body: string, status = 200): void {
    this.handler = (_req, res) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(body);
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Timers whose time moves only on `advance`. */
export class FakeTimers implements Timers {
  private t = Date.now();
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }
  /** Delays (ms from now) of the pending timers, soonest first. */
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.t).sort((a, b) => a - b);
  }
  /** Moves time forward by `ms`, firing every timer due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

/** Resolves once `pred()` holds; rejects after `ms` of real time. */
export async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
