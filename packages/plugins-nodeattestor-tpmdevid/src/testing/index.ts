/**
 * Test helpers for tpm_devid (not shipped behaviour): a swtpm with its own EK CA, the agent side
 * driven by tpm2-tools, and a test CA for DevID certificates. Used by this package's tests and
 * by the e2e suite.
 */
export { Swtpm, swtpmAvailability, swtpmSkipReason, SWTPM_TOOLS } from './swtpm.js';
export { TpmDevidAgent, KEY_ATTRIBUTES, type DevIdKind, type TpmKey } from './tpm-agent.js';
export { TestCa, type IssueOptions } from './test-ca.js';
export { encodeAttestationRequest, decodeChallenge, encodeChallengeResponse, type AttestationRequest } from '../wire.js';
