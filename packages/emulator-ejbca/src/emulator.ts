/**
 * EjbcaEmulator: EJBCA's REST API for PKCS#10 enrollment over HTTPS on 127.0.0.1 (serving
 * certificate from the fixed test CA of @spire-ts/emulator-kit), with client-certificate
 * authentication against a configurable trusted client CA, a real CA behind it, a request log and
 * switches for faults, garbage, latency and outage.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { testServingIdentity } from '@spire-ts/emulator-kit';
import { issueClientCert, makePki, type EjbcaPki } from './ejbca-ca.js';
import { EjbcaError, enroll, readEnrollRequest, type EnrollRequest, type EnrollSetup } from './enroll.js';

/** The enrollment path under the server root. */
export const PKCS10_ENROLL_PATH = '/ejbca/ejbca-rest-api/v1/certificate/pkcs10enroll';

/** Options of {@link EjbcaEmulator.start}; the names default to SPIRE's documentation sample. */
export interface EjbcaEmulatorOptions {
  /** The issuing CA's name (default `Fake-Sub-CA`). */
  caName?: string;
  /** The end entity profile (default `fakeSpireIntermediateCAEEP`). */
  endEntityProfileName?: string;
  /** The Sub CA certificate profile the end entity profile allows (default `fakeSubCACP`). */
  certificateProfileName?: string;
  /** Validity of certificates the profile issues (default 1 h). */
  validityMs?: number;
  /** How certificates are answered: `DER` (base64 DER, EJBCA's default) or `PEM`. */
  responseFormat?: 'DER' | 'PEM';
  /** PEM of the CA whose client certificates the API accepts (default: the emulator's admin CA). */
  trustedClientCaPem?: string;
  port?: number;
}

/** One request as the emulator saw it. */
export interface RecordedEjbcaRequest {
  method: string;
  path: string;
  /** Subject of the client certificate presented, '' when none. */
  clientSubject: string;
  status: number;
  /** The parsed enrollment request, when it parsed. */
  enroll?: EnrollRequest;
}

interface Fault {
  status: number;
  body: string;
  count: number;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): number {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
  return status;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The running emulator. */
export class EjbcaEmulator {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`: the value of SPIRE's `hostname` option. */
  readonly hostname: string;
  readonly requests: RecordedEjbcaRequest[] = [];
  private latencyMs = 0;
  private unavailable = false;
  private readonly faults: Fault[] = [];
  private server!: Server;

  private constructor(
    readonly pki: EjbcaPki,
    private readonly setup: EnrollSetup,
    port: number,
  ) {
    this.url = `https://127.0.0.1:${port}`;
    this.hostname = `127.0.0.1:${port}`;
  }

  /** Starts the emulator with a fresh PKI on an ephemeral port (or `port`). */
  static async start(o: EjbcaEmulatorOptions = {}): Promise<EjbcaEmulator> {
    const caName = o.caName ?? 'Fake-Sub-CA';
    const pki = await makePki(caName);
    const certProfile = o.certificateProfileName ?? 'fakeSubCACP';
    const setup: EnrollSetup = {
      caName,
      issuing: pki.issuing,
      chain: [pki.issuing, pki.root],
      certificateProfiles: new Map([[certProfile, { subCa: true, validityMs: o.validityMs ?? 3600_000 }]]),
      endEntityProfiles: new Map([[o.endEntityProfileName ?? 'fakeSpireIntermediateCAEEP', [certProfile]]]),
      responseFormat: o.responseFormat ?? 'DER',
    };
    const tls = await testServingIdentity();
    const holder: { self?: EjbcaEmulator } = {};
    const server = createServer(
      { cert: tls.certPem, key: tls.keyPem, ca: [o.trustedClientCaPem ?? pki.adminCa.certPem], requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        holder.self!.handle(req, res).catch((e: unknown) => {
          if (!res.headersSent) send(res, 500, JSON.stringify({ error_code: 500, error_message: String(e) }));
        });
      },
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
    });
    const e = new EjbcaEmulator(pki, setup, (server.address() as AddressInfo).port);
    e.server = server;
    holder.self = e;
    return e;
  }

  /** PEM of the root CA: the upstream root of every chain the emulator issues. */
  get rootPem(): string {
    return this.pki.root.certPem;
  }

  /** A client certificate and key (PEM) the API accepts (signed by the emulator's admin CA). */
  adminCredentials(subject?: string): Promise<{ certPem: string; keyPem: string }> {
    return issueClientCert(this.pki.adminCa, subject);
  }

  /** Delays every answer by `ms`. */
  setLatencyMs(ms: number): void {
    this.latencyMs = ms;
  }

  /** When on, every request answers 503 (the server keeps listening). */
  setUnavailable(on: boolean): void {
    this.unavailable = on;
  }

  /** The next `count` enrollments answer `status` with EJBCA's error body carrying `message`. */
  fail(status: number, message: string, count = 1): void {
    this.faults.push({ status, body: JSON.stringify({ error_code: status, error_message: message }), count });
  }

  /** The next `count` enrollments answer `status` with this raw body (malformed answers). */
  answerRaw(status: number, body: string, count = 1): void {
    this.faults.push({ status, body, count });
  }

  /** Enrollment requests that were accepted (issued a certificate). */
  enrollments(): EnrollRequest[] {
    return this.requests.filter((r) => r.status === 200 && r.enroll).map((r) => r.enroll!);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const sock = req.socket as TLSSocket;
    const peer = sock.getPeerCertificate();
    const rec: RecordedEjbcaRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, clientSubject: peer?.subject ? `CN=${peer.subject.CN ?? ''}` : '', status: 0 };
    this.requests.push(rec);
    rec.status = await this.answer(req, res, rec, body, sock, !!peer?.subject);
  }

  private async answer(_req: IncomingMessage, res: ServerResponse, rec: RecordedEjbcaRequest, body: Buffer, sock: TLSSocket, hasCert: boolean): Promise<number> {
    const err = (e: EjbcaError) => send(res, e.status, JSON.stringify(e.body()));
    if (this.unavailable) return send(res, 503, 'Service Unavailable', 'text/plain');
    if (!hasCert) return err(new EjbcaError(401, 'Client certificate or OAuth bearer token required.'));
    if (!sock.authorized) return err(new EjbcaError(403, `Client certificate not trusted: ${String(sock.authorizationError)}.`));
    if (rec.method !== 'POST' || rec.path !== PKCS10_ENROLL_PATH) return err(new EjbcaError(404, `No resource for ${rec.method} ${rec.path}.`));
    const f = this.faults[0];
    if (f) {
      if (--f.count <= 0) this.faults.shift();
      return send(res, f.status, f.body);
    }
    try {
      rec.enroll = readEnrollRequest(body);
      return send(res, 200, JSON.stringify(await enroll(rec.enroll, this.setup)));
    } catch (e) {
      if (e instanceof EjbcaError) return err(e);
      throw e;
    }
  }

  /** Stops the server. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
