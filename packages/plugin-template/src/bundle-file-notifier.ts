import { rename, writeFile } from 'node:fs/promises';
import type { Logger, Notifier, PluginBundle } from '@spire-ts/plugin-sdk';
import type { BundleFileConfig } from './config.js';
import { BundleFileErrors } from './errors.js';

/** The bundle's X.509 authorities as concatenated PEM certificates. */
export function bundleToPem(bundle: PluginBundle): string {
  return bundle.x509Authorities
    .map((c) => {
      const b64 = Buffer.from(c.asn1).toString('base64').replace(/.{1,64}/g, '$&\n');
      return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
    })
    .join('');
}

/**
 * Writes the trust bundle's X.509 authorities to a PEM file whenever the server loads or updates
 * the bundle. The file is replaced atomically (write to a temporary file, then rename), so
 * readers never see half a bundle.
 */
export class BundleFileNotifier implements Notifier {
  constructor(
    private readonly config: BundleFileConfig,
    private readonly log: Logger,
  ) {}

  /** Writes the bundle. Throws INTERNAL when the file cannot be written. Safe to call repeatedly. */
  async notifyBundleUpdated(bundle: PluginBundle): Promise<void> {
    await this.write(bundle);
  }

  /**
   * Writes the bundle at server start. An error here stops the server from starting, which is
   * what an operator relying on the file wants.
   */
  async notifyAndAdviseBundleLoaded(bundle: PluginBundle): Promise<void> {
    await this.write(bundle);
  }

  private async write(bundle: PluginBundle): Promise<void> {
    if (bundle.x509Authorities.length === 0) throw BundleFileErrors.noCertificates(bundle.trustDomain);
    const path = this.config.bundlePath;
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, bundleToPem(bundle), { mode: this.config.fileMode });
      await rename(tmp, path);
    } catch (err) {
      throw BundleFileErrors.writeFailed(path, err);
    }
    this.log.info({ path, authorities: bundle.x509Authorities.length, sequence_number: bundle.sequenceNumber }, 'Bundle written');
  }
}
