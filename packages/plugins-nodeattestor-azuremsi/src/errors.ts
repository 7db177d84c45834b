import { Code, spireError } from '@spire-ts/core/plugin';
import { azureErrorText, isAzureUnavailable } from '@spire-ts/plugin-azure';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A failed Azure call: UNAVAILABLE when Azure could not be reached or did not answer in time, else INTERNAL as in SPIRE. */
function azureFailure(text: string, cause: unknown) {
  return spireError(isAzureUnavailable(cause) ? Code.UNAVAILABLE : Code.INTERNAL, `${text}: ${azureErrorText(cause)}`, cause);
}

/**
 * Every coded error of the azure_msi attestor, with SPIRE's codes and messages. Deliberate
 * differences: a JWKS or ARM call that cannot reach Azure or times out is UNAVAILABLE (SPIRE:
 * INTERNAL), and a token whose `iss` is not its tenant's is refused ([harden]). Each function
 * returns a new error.
 */
export const MsiErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  unmarshal: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal data payload: ${detail}`),
  missingToken: () => spireError(Code.INVALID_ARGUMENT, 'missing token from attestation data'),
  jwks: (cause: unknown) => azureFailure('unable to obtain JWKS', cause),
  parseToken: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to parse token: ${detail}`),
  missingKeyId: () => spireError(Code.INVALID_ARGUMENT, 'token missing key id'),
  unknownKeyId: (kid: string) => spireError(Code.INVALID_ARGUMENT, `key id ${JSON.stringify(kid)} not found`),
  verifyToken: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to verify token: ${detail}`),
  missingTenant: () => spireError(Code.INTERNAL, 'token missing tenant ID claim'),
  missingSubject: () => spireError(Code.INTERNAL, 'token missing subject claim'),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `unable to make agent ID: ${msg(cause)}`, cause),
  tenantNotAuthorized: (tid: string) => spireError(Code.PERMISSION_DENIED, `tenant ${JSON.stringify(tid)} is not authorized`),
  claims: (detail: string) => spireError(Code.INTERNAL, `unable to validate token claims: ${detail}`),

  listByPrincipal: (principal: string, cause: unknown) =>
    azureFailure(`unable to get resource for principal ${JSON.stringify(principal)}: unable to list virtual machine by principal`, cause),
  principalNotFound: (principal: string) =>
    spireError(Code.INTERNAL, `unable to get resource for principal ${JSON.stringify(principal)}: principal ${JSON.stringify(principal)} not found`),
  tooManyVms: (principal: string) =>
    spireError(
      Code.INTERNAL,
      `unable to get resource for principal ${JSON.stringify(principal)}: expected one result for principal ${JSON.stringify(principal)} at most`,
    ),
  vmMissingId: (principal: string) =>
    spireError(Code.INTERNAL, `unable to get resource for principal ${JSON.stringify(principal)}: virtual machine resource missing ID`),
  malformedId: (what: string, id: string) => spireError(Code.INTERNAL, `malformed ${what} ID ${JSON.stringify(id)}`),
  getVm: (name: string, cause: unknown) => azureFailure(`unable to get virtual machine ${JSON.stringify(name)}`, cause),
  getNic: (name: string, cause: unknown) => azureFailure(`unable to get network interface ${JSON.stringify(name)}`, cause),

  credential: (tenant: string, cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to get tenant client credential: ${msg(cause)}`, cause),
  instanceMetadata: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, msg(cause), cause),
} as const;
