import { Code, spireError } from '@spire-ts/core/plugin';
import { awsErrorText, isAwsUnavailable } from '@spire-ts/plugin-aws';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** The AWS error behind a wrapped cause (causes chain through `cause`). */
function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 8 && cur instanceof Error && cur.cause !== undefined; i++) cur = cur.cause;
  return cur;
}

/**
 * What an operator reads of an AWS failure: the SDK's `<code>: <message>`, except that a reply
 * the SDK could not read (a proxy's or an overloaded endpoint's page) is named by its HTTP status.
 */
export function awsCauseText(e: unknown): string {
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const text = awsErrorText(e);
  if (status !== undefined && /Deserialization error|parse error/i.test(text)) return `HTTP ${status} from AWS with a reply that is not AWS's`;
  return text;
}

/** An Error `<text>: <AWS failure>` keeping the AWS error as its cause (for the list loaders). */
export function wrapAwsError(text: string, cause: unknown): Error {
  return new Error(`${text}: ${awsCauseText(cause)}`, { cause });
}

/**
 * A failed AWS call, `<text>: <AWS error code>: <message>`: UNAVAILABLE when AWS could not be reached or
 * did not answer in time (the agent may retry), else INTERNAL as in SPIRE.
 */
function awsFailure(text: string, cause: unknown) {
  const code = isAwsUnavailable(cause) || isAwsUnavailable(rootCause(cause)) ? Code.UNAVAILABLE : Code.INTERNAL;
  return spireError(code, `${text}: ${awsCauseText(cause)}`, cause);
}

/**
 * Every coded error of the aws_iid attestor, with SPIRE's codes and messages. One deliberate
 * difference, as in the Kubernetes attestors: an AWS call that cannot reach AWS or times out
 * gives UNAVAILABLE (SPIRE says INTERNAL), with SPIRE's message. Each function returns a new error.
 */
export const AwsIidErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  attestationData: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal the attestation data: ${detail}`),
  document: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal the IID: ${detail}`),
  signatureRequired: () => spireError(Code.INVALID_ARGUMENT, 'instance identity cryptographic signature is required'),
  caCertificate: (region: string, detail: string) =>
    spireError(Code.INTERNAL, `failed to load the AWS CA certificate for region ${JSON.stringify(region)}: ${detail}`),
  decodeRsaSignature: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to decode the IID signature: ${detail}`),
  verifyRsaSignature: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to verify the cryptographic signature: ${detail}`),
  decodePkcs7: () => spireError(Code.INVALID_ARGUMENT, 'failed to decode the instance identity cryptographic signature'),
  parsePkcs7: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to parse the instance identity cryptographic signature: ${detail}`),
  verifyPkcs7: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed verification of instance identity cryptographic signature: ${detail}`),
  contentMismatch: () => spireError(Code.INVALID_ARGUMENT, 'instance identity document does not match the verified PKCS7 content'),

  orgLookup: (account: string, cause: unknown) =>
    awsFailure(`failed aws ec2 attestation, issue while verifying if nodes account id: ${account} belong to org`, cause),
  notInOrg: (account: string) =>
    spireError(Code.INTERNAL, `failed aws ec2 attestation, nodes account id: ${account} is not part of configured organization or doesn't have ACTIVE status`),
  eksLookup: (instanceId: string, cause: unknown) =>
    awsFailure(`failed aws eks attestation, issue while verifying if nodes id: ${instanceId} belong to cluster`, cause),
  notInEks: (instanceId: string) => spireError(Code.INTERNAL, `failed aws eks attestation, nodes id: ${instanceId} is not part of configured EKS cluster`),

  describeInstance: (cause: unknown) => awsFailure('failed to describe instance', cause),
  noReservations: () => spireError(Code.INTERNAL, 'failed to query AWS via describe-instances: returned no reservations'),
  noInstances: () => spireError(Code.INTERNAL, 'failed to query AWS via describe-instances: returned no instances'),
  blockDevice: (detail: string) => spireError(Code.INTERNAL, `failed aws ec2 attestation: ${detail}`),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to create spiffe ID: ${msg(cause)}`, cause),
  profileArn: (detail: string) => spireError(Code.INTERNAL, detail),
  // SPIRE's message carries this spelling.
  instanceProfile: (cause: unknown) => awsFailure('failed to get intance profile', cause),

  testCerts: (cause: unknown) => spireError(Code.INTERNAL, `unable to load the test region certificates: ${msg(cause)}`, cause),
} as const;
