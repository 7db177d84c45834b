import { readFile } from 'node:fs/promises';
import { defineUpstreamAuthority, parseCertificatesPem, type Logger } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';
import { AwsPcaUpstreamAuthority } from './aws-pca-upstream-authority.js';
import { parseAwsPcaConfig, type AwsPcaConfig } from './config.js';
import { AwsPcaErrors } from './errors.js';
import { acmPcaClient, type PcaClient, type PcaWaitOptions } from './pca-client.js';

export { AwsPcaUpstreamAuthority, type AwsPcaSettings } from './aws-pca-upstream-authority.js';
export { parseAwsPcaConfig, DEFAULT_CA_SIGNING_TEMPLATE_ARN, type AwsPcaConfig } from './config.js';
export { AwsPcaErrors } from './errors.js';
export { acmPcaClient, IssuanceTimeoutError, type PcaClient, type PcaWaitOptions, type IssuedCertificate, type IssueRequest, type CaDescription } from './pca-client.js';

/**
 * Configures the plugin as SPIRE's aws_pca: loads the supplemental bundle, makes the client, then
 * looks the CA up (a status other than ACTIVE is only a warning) and settles the signing
 * algorithm (the CA's own unless set). Nothing is kept when a step fails; the client is closed.
 */
export async function configureAwsPca(config: AwsPcaConfig, trustDomainId: string, log: Logger, wait: PcaWaitOptions = {}): Promise<AwsPcaUpstreamAuthority> {
  let supplementalBundle: Uint8Array[] = [];
  if (config.supplementalBundlePath) {
    log.info({ supplemental_bundle_path: config.supplementalBundlePath }, 'Loading supplemental certificates for inclusion in the bundle');
    try {
      supplementalBundle = parseCertificatesPem(await readFile(config.supplementalBundlePath, 'utf8'));
    } catch (err) {
      throw AwsPcaErrors.supplementalBundle(err);
    }
  }
  let pca: PcaClient;
  try {
    pca = acmPcaClient(config, wait);
  } catch (err) {
    throw AwsPcaErrors.createClient(err);
  }
  try {
    log.info({ certificate_authority_arn: config.certificateAuthorityArn }, 'Looking up certificate authority from ACM');
    let ca;
    try {
      ca = await pca.describe(config.certificateAuthorityArn);
    } catch (err) {
      throw AwsPcaErrors.describe(awsErrorText(err), err);
    }
    if (ca.status !== 'ACTIVE') {
      log.warn({ certificate_authority_arn: config.certificateAuthorityArn, status: ca.status }, 'Certificate is in an invalid state for issuance');
    }
    let signingAlgorithm = config.signingAlgorithm;
    if (!signingAlgorithm) {
      signingAlgorithm = ca.signingAlgorithm;
      log.info({ signing_algorithm: signingAlgorithm }, 'No signing algorithm specified, using the CA default');
    }
    return new AwsPcaUpstreamAuthority(
      { certificateAuthorityArn: config.certificateAuthorityArn, signingAlgorithm, caSigningTemplateArn: config.caSigningTemplateArn, supplementalBundle },
      pca,
      trustDomainId,
      log,
    );
  } catch (err) {
    pca.close();
    throw err;
  }
}

/** The descriptor of UpstreamAuthority "aws_pca". */
export const awsPcaUpstreamAuthority = defineUpstreamAuthority<AwsPcaConfig>({
  name: 'aws_pca',
  parseConfig: (raw) => parseAwsPcaConfig(raw),
  create: ({ config, trustDomain, log }) => configureAwsPca(config, trustDomain.idString(), log),
});
