import { defineBundlePublisher } from '@spire-ts/core/plugin';
import { AwsRolesAnywherePublisher } from './aws-rolesanywhere-publisher.js';
import { parseAwsRolesAnywhereConfig, type AwsRolesAnywhereConfig } from './config.js';
import { rolesAnywhereUpdater } from './trust-anchor-updater.js';

export { AwsRolesAnywherePublisher, MAX_SOURCE_DATA_LENGTH, MAX_TRUST_ANCHOR_CAS } from './aws-rolesanywhere-publisher.js';
export { parseAwsRolesAnywhereConfig, type AwsRolesAnywhereConfig } from './config.js';
export { AwsRolesAnywhereErrors } from './errors.js';
export { rolesAnywhereUpdater, type TrustAnchorUpdater, type UpdatedTrustAnchor } from './trust-anchor-updater.js';

/** The descriptor of BundlePublisher "aws_rolesanywhere_trustanchor". */
export const awsRolesAnywhereBundlePublisher = defineBundlePublisher<AwsRolesAnywhereConfig>({
  name: 'aws_rolesanywhere_trustanchor',
  parseConfig: (raw) => parseAwsRolesAnywhereConfig(raw),
  create: ({ config, log }) => new AwsRolesAnywherePublisher(config, rolesAnywhereUpdater(config), log),
});
