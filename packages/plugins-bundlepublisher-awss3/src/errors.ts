import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of BundlePublisher "aws_s3" (messages as SPIRE's). */
export const AwsS3Errors = {
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  format: (detail: string) => spireError(Code.INTERNAL, `could not format bundle: ${detail}`),
  putObject: (detail: string) => spireError(Code.INTERNAL, `failed to put object: ${detail}`),
} as const;
