import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority jwt revoke -authorityID <id>`. */
export const localAuthorityJwtRevokeCommand = authorityIdCommand({
  name: 'localauthority jwt revoke',
  synopsis: 'Revokes the previously active JWT authority by removing it from the bundle and propagating this update throughout the cluster',
});
