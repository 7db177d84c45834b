/**
 * An EJBCA REST emulator for tests: PKCS#10 enrollment over mutual TLS, backed by a real CA
 * hierarchy (root, issuing Sub CA), with EJBCA's request, response and error shapes.
 */
export { EjbcaEmulator, PKCS10_ENROLL_PATH, type EjbcaEmulatorOptions, type RecordedEjbcaRequest } from './emulator.js';
export { EjbcaError, enroll, readEnrollRequest, type EnrollRequest, type EnrollResponse, type EnrollSetup } from './enroll.js';
export { enrollCsr, issueClientCert, makePki, type CertificateProfile, type EjbcaPki } from './ejbca-ca.js';
/** The fixed test CA the emulator's serving certificate chains to (SPIRE's `ca_cert_path`), and the certificate maker. */
export { TEST_CA_CERT_PATH, issue } from '@spire-ts/emulator-kit';
