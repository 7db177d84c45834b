/**
 * @spire-ts/emulator-k8s: a Kubernetes API server emulator for tests (see README.md).
 */
export { KubeEmulator } from './emulator.js';
export type { CertManagerMode, FakeCertManager } from './cert-manager.js';
export type { RecordedRequest } from './server.js';
export type { KubeObject } from './selectors.js';
export type { LegacyTokenOptions, ProjectedTokenOptions, TokenReviewStatus } from './tokens.js';
