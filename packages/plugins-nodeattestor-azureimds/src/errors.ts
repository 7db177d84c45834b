import { Code, spireError } from '@spire-ts/core/plugin';
import { azureErrorText, isAzureUnavailable } from '@spire-ts/plugin-azure';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function azureFailure(text: string, cause: unknown) {
  return spireError(isAzureUnavailable(cause) ? Code.UNAVAILABLE : Code.INTERNAL, `${text}: ${azureErrorText(cause)}`, cause);
}

/**
 * Every coded error of the azure_imds attestor, with SPIRE's codes and messages. Deliberate
 * difference: a fetch of the AIA intermediate or an Azure call that cannot reach Azure or times
 * out is UNAVAILABLE. Each function returns a new error.
 */
export const ImdsErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  unmarshal: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal data payload: ${detail}`),
  document: (cause: unknown) =>
    spireError(isAzureUnavailable(cause) ? Code.UNAVAILABLE : Code.INVALID_ARGUMENT, `failed to validate attested document: ${msg(cause)}`, cause),
  missingVmId: () => spireError(Code.INVALID_ARGUMENT, 'missing VM ID in attested document'),
  missingSubscription: () => spireError(Code.INVALID_ARGUMENT, 'missing subscription ID in attested document'),
  nonceMismatch: () => spireError(Code.INVALID_ARGUMENT, 'nonce mismatch'),
  invalidVmId: (vmId: string) => spireError(Code.INVALID_ARGUMENT, `invalid VM ID: invalid UUID format: ${JSON.stringify(vmId)}`),
  tenantNotAuthorized: (domain: string) => spireError(Code.PERMISSION_DENIED, `tenant ${JSON.stringify(domain)} is not authorized`),
  subscriptionNotAuthorized: (sub: string) => spireError(Code.PERMISSION_DENIED, `subscription ${JSON.stringify(sub)} is not authorized`),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `unable to make agent ID: ${msg(cause)}`, cause),
  invalidVmss: (detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid VMSS name: ${detail}`),
  getVm: (cause: unknown) => azureFailure('unable to get virtual machine', cause),
  vmNotFound: (vmId: string) => spireError(Code.INTERNAL, `virtual machine ${JSON.stringify(vmId)} not found`),
  listVmss: (cause: unknown) => azureFailure('unable to list VMSS instances', cause),
  vmssInstanceNotFound: (vmId: string) => spireError(Code.INTERNAL, `VMSS instance ${JSON.stringify(vmId)} not found`),
  getNic: (cause: unknown) => azureFailure('unable to get network interfaces', cause),
  malformedId: (what: string, id: string) => spireError(Code.INTERNAL, `malformed ${what} ID ${JSON.stringify(id)}`),
  tenantLookup: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to lookup tenant ID: ${msg(cause)}`, cause),
  credential: (tenant: string, cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to get tenant client credential: ${msg(cause)}`, cause),
  testRoots: (cause: unknown) => spireError(Code.INTERNAL, `unable to load the test root certificates: ${msg(cause)}`, cause),
} as const;
