/**
 * Kubeconfig files pointing at the emulator, as `kubectl config view --raw` writes them.
 */
import { writeFileSync } from 'node:fs';

/** How the kubeconfig's user authenticates. */
export type KubeconfigUser = { token: string } | { clientCertPem: string; clientKeyPem: string };

/** The YAML text of a kubeconfig with one cluster, user and context named "emulator". */
export function renderKubeconfig(server: string, caPem: string, user: KubeconfigUser): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const userLines =
    'token' in user
      ? [`    token: ${JSON.stringify(user.token)}`]
      : [`    client-certificate-data: ${b64(user.clientCertPem)}`, `    client-key-data: ${b64(user.clientKeyPem)}`];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: emulator',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(caPem)}`,
    'users:',
    '- name: emulator',
    '  user:',
    ...userLines,
    'contexts:',
    '- name: emulator',
    '  context:',
    '    cluster: emulator',
    '    user: emulator',
    '    namespace: default',
    'current-context: emulator',
    '',
  ].join('\n');
}

/** Writes a kubeconfig file (mode 0600) and returns its path. */
export function writeKubeconfigFile(path: string, server: string, caPem: string, user: KubeconfigUser): string {
  writeFileSync(path, renderKubeconfig(server, caPem, user), { mode: 0o600 });
  return path;
}
