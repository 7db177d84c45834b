export { loadKubeConfig } from './kube-config.js';
export { KubeApiError, kubeErrorMessage, kubeStatusCode, kubeUnavailable } from './api-errors.js';
export { DEFAULT_REQUEST_TIMEOUT_MS, kubeClient, kubeRequest } from './request.js';
export { tokenReviewer, type TokenReviewer, type TokenReviewStatus } from './token-review.js';
export { clusterBlocks, serviceAccountAllowList } from './cluster-config.js';
export { decodeAttestationData, jsonKind, readAttestationData, type TokenAttestationData, type TokenAttestor } from './attestation-data.js';
export { TokenAttestationErrors } from './errors.js';
