/** Helpers the GCP plugins share. */
export { TEST_ENDPOINT_VAR, testEndpoint, clientEndpointOptions } from './endpoints.js';
export { googleApiError, googleApiCode, type GoogleApiError } from './google-api-error.js';
export { isGoogleUnavailable, googleErrorText, withTimeout } from './errors.js';
export { crc32c } from './crc32c.js';
export { serviceAccountFileProblem, checkServiceAccountFile } from './service-account-file.js';
