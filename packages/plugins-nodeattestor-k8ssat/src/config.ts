import type { KeyObject } from 'node:crypto';
import { ConfigReader, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { clusterBlocks, serviceAccountAllowList } from '@spire-ts/plugin-kube';
import { loadServiceAccountKeys } from './keys.js';

/** One entry of `clusters`, parsed. */
export interface SatClusterConfig {
  /** `"<namespace>:<service account>"` names allowed to attest. */
  serviceAccounts: Set<string>;
  /** True: the API server judges tokens (TokenReview). False: `serviceAccountKeys` verify them here. */
  useTokenReviewApi: boolean;
  /** The keys of service_account_key_file (empty in TokenReview mode). */
  serviceAccountKeys: KeyObject[];
  /** The kubeconfig file of TokenReview mode; empty means in-cluster configuration. */
  kubeConfigFile: string;
}

/** k8s_sat's parsed configuration: the clusters by the name agents send. */
export interface SatConfig {
  clusters: Map<string, SatClusterConfig>;
}

/**
 * Reads k8s_sat's plugin_data as SPIRE v1.11 did, collecting every problem with its wording: at
 * least one cluster; per cluster at least one allowed service account and, unless
 * use_token_review_api_validation is set, a service_account_key_file with at least one RSA or
 * ECDSA key (the file is read here, so `spire-server validate` reports a bad one). In TokenReview
 * mode service_account_key_file is not read, and kube_config_file is read at each attestation.
 * Never throws.
 */
export function parseSatConfig(raw: PluginData, _core: CoreConfig): ParseResult<SatConfig> {
  const r = new ConfigReader(raw);
  const found = clusterBlocks(r, raw);
  if (found.length === 0) r.problem('configuration must have at least one cluster');
  const clusters = new Map<string, SatClusterConfig>();
  for (const [name, c] of found) {
    const useTokenReviewApi = c.bool('use_token_review_api_validation') ?? false;
    const keyFile = c.string('service_account_key_file') ?? '';
    const kubeConfigFile = c.string('kube_config_file') ?? '';
    let serviceAccountKeys: KeyObject[] = [];
    if (!useTokenReviewApi) {
      if (keyFile === '') r.problem(`cluster "${name}" configuration missing service account key file`);
      try {
        serviceAccountKeys = loadServiceAccountKeys(keyFile);
      } catch (e) {
        r.problem(`failed to load cluster "${name}" service account keys from "${keyFile}": ${(e as Error).message}`);
      }
      if (serviceAccountKeys.length === 0) r.problem(`cluster "${name}" has no service account keys in "${keyFile}"`);
    }
    const serviceAccounts = serviceAccountAllowList(r, c, name);
    clusters.set(name, { serviceAccounts, useTokenReviewApi, serviceAccountKeys, kubeConfigFile });
  }
  return r.result({ clusters });
}
