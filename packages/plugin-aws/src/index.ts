/**
 * Helpers the AWS plugins share: SDK client settings read as SPIRE reads them, and AWS error text.
 */
export { awsClientConfig, endpointFromEnv, staticCredentials, type AwsClientConfig, type AwsConnection, type Credentials } from './client-config.js';
export { awsErrorCode, awsErrorText, isAwsUnavailable } from './errors.js';
export { isAbsoluteUrl } from './endpoint-option.js';
