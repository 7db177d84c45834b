/**
 * POST /ejbca/ejbca-rest-api/v1/certificate/pkcs10enroll: EJBCA's EnrollCertificateRestRequest
 * in, CertificateRestResponse out, with EJBCA's `{error_code, error_message}` errors.
 */
import type { Issued } from '@spire-ts/emulator-kit';
import { enrollCsr, type CertificateProfile } from './ejbca-ca.js';

/** The request fields EJBCA reads (snake_case on the wire). */
export interface EnrollRequest {
  certificate_request: string;
  certificate_profile_name: string;
  end_entity_profile_name: string;
  certificate_authority_name: string;
  username: string;
  password: string;
  include_chain?: boolean;
  account_binding_id?: string;
  email?: string;
  response_format?: string;
}

/** EJBCA's CertificateRestResponse. */
export interface EnrollResponse {
  certificate: string;
  serial_number: string;
  response_format: string;
  certificate_chain?: string[];
}

/** An EJBCA error answer. */
export class EjbcaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** EJBCA's error body. */
  body(): { error_code: number; error_message: string } {
    return { error_code: this.status, error_message: this.message };
  }
}

/** What the emulator has configured: one issuing CA and its profiles. */
export interface EnrollSetup {
  caName: string;
  issuing: Issued;
  /** The chain above the issued certificate: issuing CA first, root last. */
  chain: Issued[];
  certificateProfiles: Map<string, CertificateProfile>;
  /** End entity profile name -> the certificate profiles it allows. */
  endEntityProfiles: Map<string, string[]>;
  /** "DER" (EJBCA's answer: base64 DER) or "PEM". */
  responseFormat: 'DER' | 'PEM';
}

const STRING_FIELDS = ['certificate_request', 'certificate_profile_name', 'end_entity_profile_name', 'certificate_authority_name', 'username', 'password'] as const;

/** Checks the request's shape; throws EjbcaError 400 naming the first bad field. */
export function readEnrollRequest(body: Buffer): EnrollRequest {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new EjbcaError(400, 'Malformed JSON request body.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new EjbcaError(400, 'Malformed JSON request body.');
  const o = v as Record<string, unknown>;
  for (const f of STRING_FIELDS) {
    if (typeof o[f] !== 'string' || o[f] === '') throw new EjbcaError(400, `Invalid request: ${f} is required.`);
  }
  return o as unknown as EnrollRequest;
}

function encode(der: ArrayBuffer, format: 'DER' | 'PEM', pem: string): string {
  return format === 'DER' ? Buffer.from(der).toString('base64') : pem;
}

/**
 * Enrolls as EJBCA: the CA, the end entity profile and the certificate profile must exist and
 * the end entity profile must allow the certificate profile; the CSR must verify. Answers the
 * certificate, its serial number (hex), the format, and with `include_chain` the CA chain
 * (issuing CA first, root last).
 */
export async function enroll(req: EnrollRequest, s: EnrollSetup): Promise<EnrollResponse> {
  if (req.certificate_authority_name !== s.caName) throw new EjbcaError(404, `CA with name ${req.certificate_authority_name} doesn't exist.`);
  const allowed = s.endEntityProfiles.get(req.end_entity_profile_name);
  if (!allowed) throw new EjbcaError(404, `End entity profile with name ${req.end_entity_profile_name} doesn't exist.`);
  const profile = s.certificateProfiles.get(req.certificate_profile_name);
  if (!profile) throw new EjbcaError(404, `Certificate profile with name ${req.certificate_profile_name} doesn't exist.`);
  if (!allowed.includes(req.certificate_profile_name)) {
    throw new EjbcaError(400, `Certificate profile ${req.certificate_profile_name} is not allowed by end entity profile ${req.end_entity_profile_name}.`);
  }
  let cert;
  try {
    cert = await enrollCsr(req.certificate_request, s.issuing, profile);
  } catch (e) {
    throw new EjbcaError(400, `Invalid CSR: ${(e as Error).message}`);
  }
  const format = s.responseFormat;
  return {
    certificate: encode(cert.rawData, format, cert.toString('pem') + '\n'),
    serial_number: cert.serialNumber.toUpperCase(),
    response_format: format,
    ...(req.include_chain ? { certificate_chain: s.chain.map((c) => encode(c.cert.rawData, format, c.certPem)) } : {}),
  };
}
