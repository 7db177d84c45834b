import { Code, spireError } from '@spire-ts/core/plugin';
import { awsErrorText } from '@spire-ts/plugin-aws';

const q = (s: string) => JSON.stringify(s);
const text = (e: unknown) => awsErrorText(e);

/** Every coded error of KeyManager "aws_kms" (codes and messages as SPIRE's). */
export const AwsKmsErrors = {
  keyIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'key id is required'),
  keyTypeRequired: () => spireError(Code.INVALID_ARGUMENT, 'key type is required'),
  unsupportedKeyType: (keyType: string) => spireError(Code.INVALID_ARGUMENT, `unsupported key type: ${keyType}`),
  badSignerOpts: (message: string) => spireError(Code.INVALID_ARGUMENT, message),
  signFailed: (e: unknown) => spireError(Code.INTERNAL, `failed to sign: ${text(e)}`, e),
  policy: (e: unknown) => spireError(Code.INTERNAL, `unable to create policy: cannot get caller identity: ${text(e)}`, e),
  createKey: (e: unknown) => spireError(Code.INTERNAL, `failed to create key: ${text(e)}`, e),
  malformedCreateKey: () => spireError(Code.INTERNAL, 'malformed create key response'),
  getPublicKey: (e: unknown) => spireError(Code.INTERNAL, `failed to get public key: ${text(e)}`, e),
  malformedPublicKey: () => spireError(Code.INTERNAL, 'malformed get public key response'),
  createAlias: (e: unknown) => spireError(Code.INTERNAL, `failed to create alias: ${text(e)}`, e),
  updateAlias: (e: unknown) => spireError(Code.INTERNAL, `failed to update alias: ${text(e)}`, e),
  readPolicyFile: (e: unknown) =>
    spireError(Code.INTERNAL, `failed to read file configured in 'key_policy_file': ${(e as Error).message}`, e),
  readServerId: (e: unknown) => spireError(Code.INTERNAL, `failed to read server id from path: ${(e as Error).message}`, e),
  parseServerId: (content: string) =>
    spireError(Code.INTERNAL, `failed to parse server id from path: uuid: incorrect UUID format in string ${q(content)}`),
  persistServerId: (e: unknown) => spireError(Code.INTERNAL, `failed to persist server id on path: ${(e as Error).message}`, e),
  fetchAliases: (e: unknown) => spireError(Code.INTERNAL, `failed to fetch aliases: ${text(e)}`, e),
  aliasWithoutArn: (name: string) => spireError(Code.INTERNAL, `failed to fetch aliases: found SPIRE alias without arn: name=${q(name)}`),
  aliasWithoutKey: (name: string, arn: string) =>
    spireError(Code.FAILED_PRECONDITION, `failed to fetch aliases: found SPIRE alias without key: name=${q(name)} arn=${q(arn)}`),
  describeKey: (e: unknown) => spireError(Code.INTERNAL, `failed to describe key: ${text(e)}`, e),
  malformedDescribeKey: () => spireError(Code.INTERNAL, 'malformed describe key response'),
  disabledKey: (keyArn: string, aliasArn: string) =>
    spireError(Code.FAILED_PRECONDITION, `found disabled SPIRE key: ${q(keyArn)}, alias: ${q(aliasArn)}`),
  unsupportedKeySpec: (spec: string) => spireError(Code.INTERNAL, `unsupported key spec: ${spec}`),
  fetchByTags: (e: unknown) => spireError(Code.INTERNAL, `failed to fetch keys by tags: ${text(e)}`, e),
  tagPermission: (e: unknown) =>
    spireError(
      Code.FAILED_PRECONDITION,
      'tag-based key discovery requires the "tag:GetResources" permission in an identity-based IAM policy ' +
        '(it cannot be granted through the KMS key policy); grant the permission or disable ' +
        `enable_tag_based_key_discovery: ${text(e)}`,
      e,
    ),
  /** Wraps a detail error of discovery as SPIRE does (`failed to fetch aliases: …`), keeping its code. */
  wrapped: (prefix: string, e: unknown) => {
    const code = (e as { code?: Code }).code ?? Code.INTERNAL;
    return spireError(code, `${prefix}: ${(e as Error).message}`, e);
  },
} as const;
