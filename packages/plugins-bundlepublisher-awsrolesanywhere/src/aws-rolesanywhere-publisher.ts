import { formatPluginBundle, LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';
import type { AwsRolesAnywhereConfig } from './config.js';
import { AwsRolesAnywhereErrors } from './errors.js';
import type { TrustAnchorUpdater } from './trust-anchor-updater.js';

/** The longest certificate data a trust anchor takes (AWS's SourceData limit). */
export const MAX_SOURCE_DATA_LENGTH = 8000;
/** The most CA certificates AWS accepts in one trust anchor. */
export const MAX_TRUST_ANCHOR_CAS = 2;

/**
 * BundlePublisher "aws_rolesanywhere_trustanchor": puts the X.509 authorities of the bundle, as
 * PEM, into an IAM Roles Anywhere trust anchor (UpdateTrustAnchor, source CERTIFICATE_BUNDLE). A
 * bundle equal to the last one published is not sent again; after a failure nothing is
 * remembered, so the next call (the server's 30 s tick) tries again.
 */
export class AwsRolesAnywherePublisher implements BundlePublisher {
  private readonly last = new LastPublished();

  constructor(
    private readonly config: AwsRolesAnywhereConfig,
    private readonly anchors: TrustAnchorUpdater,
    private readonly log: Logger,
  ) {}

  /**
   * Throws INVALID_ARGUMENT without a bundle or when its PEM exceeds 8000 characters (AWS's
   * limit, checked first so that AWS's error, which quotes the data, does not flood the logs);
   * INTERNAL when AWS refuses the update, e.g. with more than two CAs.
   */
  async publishBundle(bundle: PluginBundle): Promise<void> {
    if (!bundle) throw AwsRolesAnywhereErrors.missingBundle();
    if (this.last.same(bundle)) return;
    let pem: string;
    try {
      pem = formatPluginBundle(bundle, 'pem');
    } catch (err) {
      throw AwsRolesAnywhereErrors.format(err);
    }
    if (pem.length > MAX_SOURCE_DATA_LENGTH) throw AwsRolesAnywhereErrors.tooLarge();
    const cas = bundle.x509Authorities.length;
    if (cas > MAX_TRUST_ANCHOR_CAS) {
      // SPIRE sends it anyway and lets AWS decide; say why it is likely to fail.
      this.log.warn(
        { trust_anchor_id: this.config.trustAnchorId, x509_authorities: cas },
        'The bundle holds more CAs than AWS IAM Roles Anywhere accepts in a trust anchor (2); use an UpstreamAuthority to keep the bundle small',
      );
    }
    let updated;
    try {
      updated = await this.anchors.update(this.config.trustAnchorId, pem);
    } catch (err) {
      throw AwsRolesAnywhereErrors.update(awsErrorText(err), err);
    }
    this.last.remember(bundle);
    this.log.debug({ arn: updated.arn, trust_anchor_name: updated.name }, 'Bundle published');
  }

  /** Releases the client. Safe to call twice. */
  close(): void {
    this.anchors.close();
  }
}
