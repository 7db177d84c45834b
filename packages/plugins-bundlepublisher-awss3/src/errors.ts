import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of BundlePublisher "aws_s3" (messages as SPIRE's). */
export const AwsS3Errors = {
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  format: (cause: unknown) => spireError(Code.INTERNAL, `could not format bundle: ${(cause as Error).message}`, cause),
  putObject: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to put object: ${detail}`, cause),
} as const;
