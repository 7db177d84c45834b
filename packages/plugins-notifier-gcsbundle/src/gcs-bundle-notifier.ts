import { Code, pemCertificates, type HostServices, type Logger, type Notifier, type PluginBundle } from '@spire-ts/core/plugin';
import { googleApiError, type GoogleApiError } from '@spire-ts/plugin-gcp';
import type { GcsBundleConfig } from './config.js';
import { isConditionNotMet, type BucketClient } from './bucket-client.js';
import { GcsBundleErrors } from './errors.js';

const codeOf = (g: GoogleApiError) => (g.status === 'UNAVAILABLE' || g.status === 'DEADLINE_EXCEEDED' ? Code.UNAVAILABLE : Code.UNKNOWN);

/** Makes the Cloud Storage client for one update (SPIRE makes one per event). */
export type BucketClientFactory = (serviceAccountFile: string) => BucketClient;

/**
 * Notifier "gcs_bundle" (deprecated in SPIRE for BundlePublisher "gcp_cloudstorage"): on
 * BundleLoaded and BundleUpdated writes the X.509 authorities of the trust bundle, as PEM, to a
 * Cloud Storage object. Each write is a read-modify-write: the object's generation is read, then
 * the bundle, then the upload is made on the condition that the object is still at that
 * generation; when another server won the race (412 conditionNotMet) the loop starts again.
 */
export class GcsBundleNotifier implements Notifier {
  private latest: PluginBundle | undefined;

  constructor(
    private readonly config: GcsBundleConfig,
    private readonly newClient: BucketClientFactory,
    private readonly log: Logger,
    private readonly host: HostServices = {},
  ) {}

  /**
   * Writes the bundle. Throws UNKNOWN with SPIRE's messages (UNAVAILABLE when Cloud Storage is
   * out of reach or too slow); the server only logs it.
   */
  async notifyBundleUpdated(bundle: PluginBundle): Promise<void> {
    await this.update(bundle);
  }

  /** As notifyBundleUpdated; an error here stops the server from starting. */
  async notifyAndAdviseBundleLoaded(bundle: PluginBundle): Promise<void> {
    await this.update(bundle);
  }

  close(): void {}

  private async update(bundle: PluginBundle): Promise<void> {
    this.latest = bundle;
    const { bucket, objectPath } = this.config;
    let client: BucketClient;
    try {
      client = this.newClient(this.config.serviceAccountFile);
    } catch (err) {
      throw GcsBundleErrors.newClient(err);
    }
    for (;;) {
      let generation: number;
      try {
        generation = await client.getObjectGeneration(bucket, objectPath);
      } catch (err) {
        const g = googleApiError(err);
        throw GcsBundleErrors.getObject(codeOf(g), bucket, objectPath, g.message, err);
      }
      this.log.debug({ generation }, 'Bundle object retrieved');
      // Read after the generation, so that a racing writer is detected and corrected.
      const pem = await this.currentPem();
      try {
        await client.putObject(bucket, objectPath, pem, generation);
      } catch (err) {
        if (isConditionNotMet(err)) {
          this.log.debug({ generation }, 'Conflict detected setting bundle object');
          continue;
        }
        const g = googleApiError(err);
        throw GcsBundleErrors.updateObject(codeOf(g), bucket, objectPath, g.message, err);
      }
      this.log.debug({ generation }, 'Bundle object updated');
      return;
    }
  }

  /**
   * The bundle as the server has it now, from the IdentityProvider host service; the one last
   * notified when the server has no IdentityProvider or it is not ready yet (starting up).
   */
  private async currentPem(): Promise<string> {
    let bundle = this.latest;
    if (this.host.identityProvider) {
      try {
        bundle = (await this.host.identityProvider.fetchX509Identity()).bundle;
      } catch (err) {
        this.log.debug({ error: (err as Error).message }, 'IdentityProvider not ready; writing the notified bundle');
      }
    }
    if (!bundle) throw GcsBundleErrors.noBundle();
    return pemCertificates(bundle.x509Authorities.map((a) => a.asn1));
  }
}
