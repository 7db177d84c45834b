/** Helpers the GCP plugins share. */
export { TEST_ENDPOINT_VAR, testEndpoint, clientEndpointOptions } from './endpoints.js';
export { googleApiError, googleApiCode, type GoogleApiError } from './google-api-error.js';
export { withTimeout } from './deadline.js';
export { checkServiceAccountFile } from './service-account-file.js';
