import type { AnyPluginDescriptor } from '../plugins/descriptor.js';
import type { PluginType } from '../plugins/types.js';

/**
 * One built-in plugin: its type and name as server.conf spells them, and where its descriptor
 * comes from. `load` is absent for SPIRE built-ins this server does not have yet; configuring one
 * gives a clear "not built yet" error instead of a silent gap.
 *
 * Descriptors are imported lazily so that core does not depend on the plugin packages at build
 * time (they depend on core).
 */
export interface BuiltinEntry {
  readonly type: PluginType;
  readonly name: string;
  readonly load?: () => Promise<AnyPluginDescriptor>;
}

// A variable specifier keeps the TypeScript compiler from resolving plugin packages while core
// builds; at run time they resolve from the workspace root, which depends on every one of them
// (and, for core's own tests, from core's devDependencies).
async function fromPackage(pkg: string, exportName: string): Promise<AnyPluginDescriptor> {
  const mod = (await import(pkg)) as Record<string, unknown>;
  const d = mod[exportName];
  if (!d || typeof d !== 'object') throw new Error(`package ${pkg} does not export ${exportName}`);
  return d as AnyPluginDescriptor;
}

function builtin(type: PluginType, name: string, pkg?: string, exportName?: string): BuiltinEntry {
  if (pkg === undefined || exportName === undefined) return { type, name };
  return { type, name, load: () => fromPackage(pkg, exportName) };
}

/** Every built-in plugin, in one visible list. */
export const BUILTINS: readonly BuiltinEntry[] = [
  builtin('DataStore', 'sql', '@spire-ts/plugins-datastore-sql', 'sqlDataStore'),

  builtin('KeyManager', 'disk', '@spire-ts/plugins-keymanager-disk', 'diskKeyManager'),
  builtin('KeyManager', 'memory', '@spire-ts/plugins-keymanager-memory', 'memoryKeyManager'),
  builtin('KeyManager', 'aws_kms', '@spire-ts/plugins-keymanager-awskms', 'awsKmsKeyManager'),
  builtin('KeyManager', 'gcp_kms', '@spire-ts/plugins-keymanager-gcpkms', 'gcpKmsKeyManager'),
  builtin('KeyManager', 'azure_key_vault', '@spire-ts/plugins-keymanager-azurekeyvault', 'azureKeyVaultKeyManager'),
  builtin('KeyManager', 'hashicorp_vault', '@spire-ts/plugins-keymanager-hashicorpvault', 'hashicorpVaultKeyManager'),

  builtin('NodeAttestor', 'join_token', '@spire-ts/plugins-nodeattestor-jointoken', 'joinTokenNodeAttestor'),
  builtin('NodeAttestor', 'x509pop', '@spire-ts/plugins-nodeattestor-x509pop', 'x509popNodeAttestor'),
  builtin('NodeAttestor', 'sshpop', '@spire-ts/plugins-nodeattestor-sshpop', 'sshpopNodeAttestor'),
  builtin('NodeAttestor', 'aws_iid', '@spire-ts/plugins-nodeattestor-awsiid', 'awsIidNodeAttestor'),
  builtin('NodeAttestor', 'azure_imds', '@spire-ts/plugins-nodeattestor-azureimds', 'azureImdsNodeAttestor'),
  builtin('NodeAttestor', 'azure_msi', '@spire-ts/plugins-nodeattestor-azuremsi', 'azureMsiNodeAttestor'),
  builtin('NodeAttestor', 'gcp_iit', '@spire-ts/plugins-nodeattestor-gcpiit', 'gcpIitNodeAttestor'),
  builtin('NodeAttestor', 'k8s_psat', '@spire-ts/plugins-nodeattestor-k8spsat', 'k8sPsatNodeAttestor'),
  // SPIRE removed k8s_sat in v1.12; this is v1.11's, kept for configurations that still name it.
  builtin('NodeAttestor', 'k8s_sat', '@spire-ts/plugins-nodeattestor-k8ssat', 'k8sSatNodeAttestor'),
  builtin('NodeAttestor', 'tpm_devid', '@spire-ts/plugins-nodeattestor-tpmdevid', 'tpmDevidNodeAttestor'),
  builtin('NodeAttestor', 'http_challenge', '@spire-ts/plugins-nodeattestor-httpchallenge', 'httpChallengeNodeAttestor'),

  builtin('UpstreamAuthority', 'disk', '@spire-ts/plugins-upstreamauthority-disk', 'diskUpstreamAuthority'),
  builtin('UpstreamAuthority', 'aws_pca', '@spire-ts/plugins-upstreamauthority-awspca', 'awsPcaUpstreamAuthority'),
  builtin('UpstreamAuthority', 'awssecret', '@spire-ts/plugins-upstreamauthority-awssecret', 'awsSecretUpstreamAuthority'),
  builtin('UpstreamAuthority', 'gcp_cas', '@spire-ts/plugins-upstreamauthority-gcpcas', 'gcpCasUpstreamAuthority'),
  builtin('UpstreamAuthority', 'vault', '@spire-ts/plugins-upstreamauthority-vault', 'vaultUpstreamAuthority'),
  builtin('UpstreamAuthority', 'spire', '@spire-ts/plugins-upstreamauthority-spire', 'spireUpstreamAuthority'),
  builtin('UpstreamAuthority', 'cert-manager', '@spire-ts/plugins-upstreamauthority-certmanager', 'certManagerUpstreamAuthority'),
  builtin('UpstreamAuthority', 'ejbca', '@spire-ts/plugins-upstreamauthority-ejbca', 'ejbcaUpstreamAuthority'),

  builtin('Notifier', 'gcs_bundle', '@spire-ts/plugins-notifier-gcsbundle', 'gcsBundleNotifier'),
  builtin('Notifier', 'k8sbundle', '@spire-ts/plugins-notifier-k8sbundle', 'k8sbundleNotifier'),

  builtin('BundlePublisher', 'aws_s3', '@spire-ts/plugins-bundlepublisher-awss3', 'awsS3BundlePublisher'),
  builtin('BundlePublisher', 'gcp_cloudstorage', '@spire-ts/plugins-bundlepublisher-gcpcloudstorage', 'gcpCloudStorageBundlePublisher'),
  builtin('BundlePublisher', 'aws_rolesanywhere_trustanchor', '@spire-ts/plugins-bundlepublisher-awsrolesanywhere', 'awsRolesAnywhereBundlePublisher'),
  builtin('BundlePublisher', 'azure_blob', '@spire-ts/plugins-bundlepublisher-azureblob', 'azureBlobBundlePublisher'),
  builtin('BundlePublisher', 'k8s_configmap', '@spire-ts/plugins-bundlepublisher-k8sconfigmap', 'k8sConfigMapBundlePublisher'),

  builtin('CredentialComposer', 'uniqueid', '@spire-ts/plugins-credentialcomposer-uniqueid', 'uniqueidCredentialComposer'),
];

/** The built-in of this type and name, if SPIRE has one. */
export function findBuiltin(type: PluginType, name: string, list: readonly BuiltinEntry[] = BUILTINS): BuiltinEntry | undefined {
  return list.find((b) => b.type === type && b.name === name);
}

/** Names of the built-ins of one type. */
export function builtinNames(type: PluginType, list: readonly BuiltinEntry[] = BUILTINS): string[] {
  return list.filter((b) => b.type === type).map((b) => b.name);
}
