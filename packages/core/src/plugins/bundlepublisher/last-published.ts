import { isDeepStrictEqual } from 'node:util';
import type { PluginBundle } from '../types.js';
import { formatPluginBundle, type BundleFormat } from './bundle-format.js';

/** The errors a publisher gives at each step of {@link LastPublished.publishFormatted}, in its own words. */
export interface FormattedPublishErrors {
  missingBundle(): Error;
  format(cause: unknown): Error;
  put(cause: unknown): Error;
}

/**
 * The bundle a publisher last published successfully, so that an unchanged bundle is not sent
 * again (SPIRE's publishers skip it too). Remember a bundle only after its publish succeeded: a
 * failed one is then retried at the server's next call.
 */
export class LastPublished {
  private last: PluginBundle | undefined;

  /** True when `bundle` equals the last one remembered. */
  same(bundle: PluginBundle): boolean {
    return this.last !== undefined && isDeepStrictEqual(this.last, bundle);
  }

  /** Remembers a copy of `bundle` as published. */
  remember(bundle: PluginBundle): void {
    this.last = structuredClone(bundle);
  }

  /**
   * The flow of SPIRE's publishers that store a formatted bundle (aws_s3, gcp_cloudstorage,
   * azure_blob): refuses a missing bundle, skips one equal to the last published, formats it
   * (`refreshHintSeconds`, when set, replaces the bundle's refresh hint), hands the text to `put`,
   * and remembers the bundle once `put` succeeded. Returns whether it put anything; throws the
   * publisher's error of the failed step.
   */
  async publishFormatted(
    bundle: PluginBundle,
    o: { format: BundleFormat; refreshHintSeconds?: number; put(body: string): Promise<void>; errors: FormattedPublishErrors },
  ): Promise<boolean> {
    if (!bundle) throw o.errors.missingBundle();
    if (this.same(bundle)) return false;
    let body: string;
    try {
      body = formatPluginBundle(o.refreshHintSeconds ? { ...bundle, refreshHint: o.refreshHintSeconds } : bundle, o.format);
    } catch (err) {
      throw o.errors.format(err);
    }
    try {
      await o.put(body);
    } catch (err) {
      throw o.errors.put(err);
    }
    this.remember(bundle);
    return true;
  }
}
