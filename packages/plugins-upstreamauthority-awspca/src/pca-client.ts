import { setTimeout as sleep } from 'node:timers/promises';
import { ACMPCAClient, DescribeCertificateAuthorityCommand, GetCertificateCommand, IssueCertificateCommand, type SigningAlgorithm } from '@aws-sdk/client-acm-pca';
import { awsClientConfig, awsErrorCode } from '@spire-ts/plugin-aws';
import type { AwsPcaConfig } from './config.js';

/** What DescribeCertificateAuthority tells the plugin. */
export interface CaDescription {
  status: string;
  signingAlgorithm: string;
}

/** An issued certificate and its chain, as ACM PCA returns them (PEM; the chain issuer first, root last). */
export interface IssuedCertificate {
  certificate: string;
  certificateChain: string;
}

/** What IssueCertificate is asked. */
export interface IssueRequest {
  caArn: string;
  csrPem: string;
  signingAlgorithm: string;
  templateArn: string;
  /** The certificate's end, Unix seconds (Validity type ABSOLUTE). */
  notAfterSeconds: number;
}

/** The narrow view of ACM PCA this plugin needs. Every method throws the SDK's error. */
export interface PcaClient {
  describe(caArn: string, signal?: AbortSignal): Promise<CaDescription>;
  /** Returns the new certificate's ARN. */
  issue(req: IssueRequest, signal?: AbortSignal): Promise<string>;
  /**
   * Waits until the certificate is issued and returns it: polls GetCertificate while ACM PCA
   * answers RequestInProgressException, for at most the client's wait limit (3 minutes unless
   * set). Throws {@link IssuanceTimeoutError} at the limit, the SDK's error on any other failure.
   */
  waitForCertificate(caArn: string, certArn: string, signal?: AbortSignal): Promise<IssuedCertificate>;
  /** Releases the client's sockets. Safe to call twice. */
  close(): void;
}

/** The certificate was still in progress when the wait limit passed. */
export class IssuanceTimeoutError extends Error {
  constructor(certArn: string, waitMs: number) {
    super(`certificate ${certArn} was not issued within ${waitMs / 1000}s`);
  }
}

/** How long and how often {@link PcaClient.waitForCertificate} polls. */
export interface PcaWaitOptions {
  /** Default 180000 (SPIRE's 3 minutes). */
  maxWaitMs?: number;
  /** The first delay between polls, doubled each time up to `maxDelayMs`. Default 1000. */
  minDelayMs?: number;
  /** Default 30000. */
  maxDelayMs?: number;
}

/** Bounds each ACM PCA request and connection attempt. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A {@link PcaClient} over the AWS SDK v3 ACM PCA client, connected as SPIRE's aws_pca: the
 * configured region, the SDK's default credential chain, `assume_role_arn` through STS, and
 * `endpoint` (else AWS_ENDPOINT_URL_ACM_PCA / AWS_ENDPOINT_URL) for ACM PCA only.
 */
export function acmPcaClient(c: AwsPcaConfig, wait: PcaWaitOptions = {}): PcaClient {
  const client = new ACMPCAClient(
    awsClientConfig('ACM PCA', { region: c.region, assumeRoleArn: c.assumeRoleArn }, { timeoutMs: REQUEST_TIMEOUT_MS, endpoint: c.endpoint }),
  );
  const maxWaitMs = wait.maxWaitMs ?? 180_000;
  const minDelayMs = wait.minDelayMs ?? 1000;
  const maxDelayMs = wait.maxDelayMs ?? 30_000;
  return {
    describe: async (caArn, signal) => {
      const out = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }), { abortSignal: signal });
      const ca = out.CertificateAuthority;
      return { status: ca?.Status ?? '', signingAlgorithm: ca?.CertificateAuthorityConfiguration?.SigningAlgorithm ?? '' };
    },
    issue: async (req, signal) => {
      const out = await client.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: req.caArn,
          Csr: new TextEncoder().encode(req.csrPem),
          SigningAlgorithm: req.signingAlgorithm as SigningAlgorithm,
          TemplateArn: req.templateArn,
          Validity: { Type: 'ABSOLUTE', Value: req.notAfterSeconds },
        }),
        { abortSignal: signal },
      );
      return out.CertificateArn ?? '';
    },
    waitForCertificate: async (caArn, certArn, signal) => {
      const deadline = Date.now() + maxWaitMs;
      let delay = minDelayMs;
      for (;;) {
        try {
          const out = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: certArn }), { abortSignal: signal });
          return { certificate: out.Certificate ?? '', certificateChain: out.CertificateChain ?? '' };
        } catch (err) {
          if (awsErrorCode(err) !== 'RequestInProgressException') throw err;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new IssuanceTimeoutError(certArn, maxWaitMs);
        await sleep(Math.min(delay, left), undefined, { signal });
        delay = Math.min(delay * 2, maxDelayMs);
      }
    },
    close: () => client.destroy(),
  };
}
