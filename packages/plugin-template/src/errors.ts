import { Code, spireError } from '@spire-ts/plugin-sdk';

/** Every coded error of this plugin, in one place. Each function returns a new SpireError. */
export const BundleFileErrors = {
  noCertificates: (trustDomain: string) =>
    spireError(Code.FAILED_PRECONDITION, `bundle for "${trustDomain}" has no X.509 authorities to write`),
  writeFailed: (path: string, cause: unknown) =>
    spireError(Code.INTERNAL, `failed to write bundle to ${path}: ${(cause as Error)?.message ?? String(cause)}`, cause),
} as const;
