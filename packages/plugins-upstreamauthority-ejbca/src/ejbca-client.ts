import { request } from 'node:https';

/** The path of EJBCA's PKCS#10 enrollment under the server's origin. */
export const PKCS10_ENROLL_PATH = '/ejbca/ejbca-rest-api/v1/certificate/pkcs10enroll';
/** Default bound on one enrollment call (connection, TLS, answer). */
export const EJBCA_TIMEOUT_MS = 30_000;
/** The most of an answer that is read. */
const MAX_ANSWER_BYTES = 1 << 20;

/** EJBCA's EnrollCertificateRestRequest, as the wire spells it. */
export interface EnrollRequestBody {
  certificate_request: string;
  certificate_authority_name: string;
  certificate_profile_name: string;
  end_entity_profile_name: string;
  username: string;
  password: string;
  include_chain: boolean;
  account_binding_id: string;
}

/** An HTTP answer. */
export interface EjbcaAnswer {
  status: number;
  /** The status line as Go prints it, e.g. `400 Bad Request`. */
  statusLine: string;
  body: string;
}

/** The TLS material of the client: its certificate and key (PEM) and the server roots (PEM, or undefined for the system's). */
export interface EjbcaTls {
  certPem: string;
  keyPem: string;
  caPem?: string;
}

/** The narrow client of EJBCA's REST API the plugin uses. */
export interface EjbcaClient {
  /** POSTs the enrollment. Throws Error (`Post "<url>": <reason>`) when no answer arrives in time. */
  enrollPkcs10(body: EnrollRequestBody, signal?: AbortSignal): Promise<EjbcaAnswer>;
}

/** An {@link EjbcaClient} over node:https with mutual TLS, one connection per call. */
export function httpsEjbcaClient(baseUrl: string, tls: EjbcaTls, timeoutMs = EJBCA_TIMEOUT_MS): EjbcaClient {
  const url = `${baseUrl}${PKCS10_ENROLL_PATH}`;
  return {
    enrollPkcs10: (body, signal) =>
      new Promise<EjbcaAnswer>((resolve, reject) => {
        const fail = (reason: string) => {
          req.destroy();
          reject(new Error(`Post "${url}": ${reason}`));
        };
        const req = request(url, {
          method: 'POST',
          cert: tls.certPem,
          key: tls.keyPem,
          ...(tls.caPem !== undefined ? { ca: tls.caPem } : {}),
          agent: false,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
        });
        const timer = setTimeout(() => fail('context deadline exceeded'), timeoutMs);
        const onAbort = () => fail('context canceled');
        signal?.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        });
        req.on('error', (e) => reject(new Error(`Post "${url}": ${e.message}`)));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) return fail(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, statusLine: `${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim(), body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) => reject(new Error(`Post "${url}": ${e.message}`)));
        });
        if (signal?.aborted) return onAbort();
        req.end(JSON.stringify(body));
      }),
  };
}
