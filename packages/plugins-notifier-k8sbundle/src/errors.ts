import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of Notifier "k8sbundle" (messages as SPIRE's). */
export const K8sBundleErrors = {
  newClients: (cause: unknown) => spireError(Code.INTERNAL, `unable to create new kubeClients: ${msg(cause)}`, cause),
  startInformers: (cause: unknown) => spireError(Code.INTERNAL, `unable to start informers: ${msg(cause)}`, cause),
  update: (details: string[]) => spireError(Code.INTERNAL, `unable to update: ${details.join(', ')}`),
  getObject: (namespace: string, name: string, cause: unknown) =>
    spireError(Code.INTERNAL, `unable to get object ${namespace}/${name}: ${msg(cause)}`, cause),
  upToDate: (kind: string, name: string) => spireError(Code.ALREADY_EXISTS, `${kind} ${name} is already up to date`),
  noBundle: () => spireError(Code.FAILED_PRECONDITION, 'no bundle loaded yet'),
} as const;
