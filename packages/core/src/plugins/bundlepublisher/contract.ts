import type { Closable, PluginDescriptor } from '../descriptor.js';
import { zeroOrMore, type CountRule } from '../count-rule.js';
import type { PluginBundle } from '../types.js';
import { createServiceRef } from '../../di/service-ref.js';

/** The BundlePublisher contract (spire.plugin.server.bundlepublisher.v1.BundlePublisher). */
export interface BundlePublisher extends Closable {
  /** Publishes the local bundle. Publishing the same bundle twice is safe. */
  publishBundle(bundle: PluginBundle): Promise<void>;
}

/** DI token of the BundlePublishers (a list). */
export const BUNDLE_PUBLISHERS = createServiceRef<BundlePublisher[]>('spire.BundlePublishers');

/** Any number of BundlePublishers, as SPIRE. */
export const bundlePublisherCount: CountRule = zeroOrMore;

/** Declares a BundlePublisher plugin. */
export function defineBundlePublisher<C>(
  d: Omit<PluginDescriptor<'BundlePublisher', BundlePublisher, C>, 'type'>,
): PluginDescriptor<'BundlePublisher', BundlePublisher, C> {
  return { ...d, type: 'BundlePublisher' };
}
