import { authorityPrepareCommand } from './authority-command.js';

/** `spire-server localauthority x509 prepare`. */
export const localAuthorityX509PrepareCommand = authorityPrepareCommand({
  name: 'localauthority x509 prepare',
  synopsis: 'Prepares a new X.509 authority for use by generating a new key and injecting the resulting CA certificate into the bundle',
});
