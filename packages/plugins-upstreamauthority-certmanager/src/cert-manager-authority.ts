import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubeErrorMessage } from '@spire-ts/plugin-kube';
import { formatDuration, fromPem, untaintedRoots, type Logger, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { findCondition, isFinished, type CertificateRequest, type CertificateRequestClient } from './certificate-requests.js';
import type { CertManagerConfig } from './config.js';
import { CertManagerErrors } from './errors.js';

/** The label that marks the CertificateRequests of one trust domain. */
export const TRUST_DOMAIN_LABEL = 'cert-manager.spiffe.io/trust-domain';

/** How often and how many times a request is polled: 250 ms, 300 times (~75 s), as SPIRE. */
export interface PollOptions {
  intervalMs: number;
  attempts: number;
}

/** SPIRE's polling of a CertificateRequest. */
export const DEFAULT_POLL: PollOptions = { intervalMs: 250, attempts: 300 };

function pemBlock(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** DER certificates of base64-encoded PEM; throws when there is none or one does not parse. */
function certificatesOf(b64Pem: string): Uint8Array[] {
  const ders = fromPem(Buffer.from(b64Pem, 'base64').toString('utf8'));
  if (ders.length === 0) throw new Error('no PEM blocks');
  for (const d of ders) new X509Certificate(Buffer.from(d));
  return ders;
}

/**
 * UpstreamAuthority "cert-manager": has the server CA signed by a cert-manager issuer. Each mint
 * creates a CertificateRequest for the CSR (isCA, usages cert sign and crl sign, duration the
 * preferred TTL), polls it until it is signed, denied or failed, and answers with the returned
 * chain and CA. Afterwards it deletes every finished request of its trust domain.
 */
export class CertManagerUpstreamAuthority implements UpstreamAuthority {
  constructor(
    private readonly config: CertManagerConfig,
    private readonly client: CertificateRequestClient,
    private readonly log: Logger,
    private readonly poll: PollOptions = DEFAULT_POLL,
  ) {}

  async *mintX509CAAndSubscribe(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): AsyncIterable<MintX509CAResponse> {
    let res: MintX509CAResponse;
    try {
      res = await this.mint(req, signal);
    } finally {
      await this.cleanup();
    }
    yield res;
  }

  // eslint-disable-next-line require-yield
  async *publishJWTKeyAndSubscribe(): AsyncIterable<never> {
    throw CertManagerErrors.publishUnsupported();
  }

  private build(req: { csr: Uint8Array; preferredTtlSeconds: number }): CertificateRequest {
    const c = this.config;
    return {
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { generateName: 'spiffe-ca-', namespace: c.namespace, labels: { [TRUST_DOMAIN_LABEL]: c.trustDomain } },
      spec: {
        duration: formatDuration(req.preferredTtlSeconds * 1000),
        issuerRef: { name: c.issuerName, kind: c.issuerKind, group: c.issuerGroup },
        request: Buffer.from(pemBlock(req.csr, 'CERTIFICATE REQUEST')).toString('base64'),
        isCA: true,
        usages: ['cert sign', 'crl sign'],
      },
    };
  }

  private async mint(req: { csr: Uint8Array; preferredTtlSeconds: number }, signal?: AbortSignal): Promise<MintX509CAResponse> {
    let cr: CertificateRequest;
    try {
      cr = await this.client.create(this.build(req));
    } catch (err) {
      throw CertManagerErrors.create(kubeErrorMessage(err), err);
    }
    const name = cr.metadata.name ?? '';
    const log = this.log.child({ namespace: this.config.namespace, name });
    log.info('Waiting for certificaterequest to be signed');
    for (let i = 0; !cr.status?.certificate; i++) {
      if (i === this.poll.attempts) {
        log.error('Failed to wait for CertificateRequest to become ready in time');
        throw CertManagerErrors.notReady();
      }
      try {
        await sleep(this.poll.intervalMs, undefined, { signal });
      } catch {
        throw CertManagerErrors.cancelled();
      }
      try {
        cr = await this.client.get(this.config.namespace, name);
      } catch (err) {
        throw CertManagerErrors.get(kubeErrorMessage(err), err);
      }
      const denied = findCondition(cr, 'Denied', 'True');
      if (denied) {
        log.error({ reason: denied.reason, message: denied.message }, 'Created CertificateRequest has been denied');
        throw CertManagerErrors.denied();
      }
      const failed = findCondition(cr, 'Ready', 'False', 'Failed');
      if (failed) {
        log.error({ reason: failed.reason, message: failed.message }, 'Created CertificateRequest has failed');
        throw CertManagerErrors.failed();
      }
    }
    let chain: Uint8Array[];
    try {
      chain = certificatesOf(cr.status.certificate);
    } catch (err) {
      throw CertManagerErrors.parseCertificate((err as Error).message, err);
    }
    if (!cr.status.ca) {
      log.error('No CA certificate was populated in CertificateRequest so cannot build upstream roots');
      throw CertManagerErrors.noRoot();
    }
    let roots: Uint8Array[];
    try {
      roots = certificatesOf(cr.status.ca);
    } catch (err) {
      throw CertManagerErrors.parseCA((err as Error).message, err);
    }
    return { x509CaChain: chain, upstreamX509Roots: untaintedRoots(roots) };
  }

  /** Deletes this trust domain's finished requests; failures are only logged, as SPIRE. */
  private async cleanup(): Promise<void> {
    const { namespace, trustDomain } = this.config;
    try {
      for (const cr of await this.client.list(namespace, `${TRUST_DOMAIN_LABEL}=${trustDomain}`)) {
        if (!isFinished(cr) || !cr.metadata.name) continue;
        this.log.debug({ namespace, name: cr.metadata.name }, 'Deleting stale CertificateRequest');
        await this.client.delete(namespace, cr.metadata.name);
      }
    } catch (err) {
      this.log.error({ error: kubeErrorMessage(err) }, 'Failed to optimistically clean-up stale CertificateRequests');
    }
  }
}
