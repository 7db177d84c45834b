import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority x509 revoke -authorityID <id>`. */
export const localAuthorityX509RevokeCommand = authorityIdCommand({
  name: 'localauthority x509 revoke',
  synopsis: 'Revokes the previously active X.509 authority by removing it from the bundle and propagating this update throughout the cluster',
});
