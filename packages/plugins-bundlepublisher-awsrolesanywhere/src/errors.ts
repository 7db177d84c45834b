import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of BundlePublisher "aws_rolesanywhere_trustanchor" (messages as SPIRE's). */
export const AwsRolesAnywhereErrors = {
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  format: (cause: unknown) => spireError(Code.INTERNAL, 'could not format bundle to PEM format', cause),
  tooLarge: () => spireError(Code.INVALID_ARGUMENT, 'bundle too large'),
  update: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to update trust anchor: ${detail}`, cause),
} as const;
