/**
 * What the protocol-level cloud emulators for tests share: {@link HttpEmulator} (routes, request
 * log, latency, outage and faults), the certificates helpers, and the fixed test CA their HTTPS
 * chains to.
 */
export { HttpEmulator, HttpError, type EmulatorRequest, type EmulatorResponse, type HttpEmulatorOptions, type RecordedRequest, type Route } from './http-emulator.js';
export { issue, signCsr, certPem, newSerial, type Issued, type IssueOptions, type CsrSignOptions } from './pki.js';
export { TEST_CA_CERT_PATH, testCa, testServingIdentity } from './test-ca.js';
export * as x509 from './x509-lib.js';
