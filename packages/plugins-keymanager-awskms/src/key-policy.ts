/** The role name in an STS assumed-role ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`). */
export function roleNameFromArn(arn: string): { role?: string; reason?: string } {
  const last = arn.split(':').at(-1) ?? '';
  const parts = last.split('/');
  if (parts.length < 2) return { reason: `incomplete resource, expected 'resource-type/resource-id' but got ${JSON.stringify(last)}` };
  if (parts[0] !== 'assumed-role') return { reason: `arn does not contain an assumed role: ${JSON.stringify(arn)}` };
  return { role: parts[1] };
}

/**
 * SPIRE's default key policy for a server running as an assumed role: everything for that role,
 * and read-only access (`Describe*`, `List*`, `Get*`) for the account root so the console can show
 * the key.
 */
export function defaultKeyPolicy(accountId: string, roleName: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Allow full access to the SPIRE Server role',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:role/${roleName}` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'Allow KMS console to display the key and policy',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: ['kms:Describe*', 'kms:List*', 'kms:Get*'],
          Resource: '*',
        },
      ],
    },
    null,
    2,
  );
}
