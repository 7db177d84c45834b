import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority jwt activate -authorityID <id>`. */
export const localAuthorityJwtActivateCommand = authorityIdCommand({
  name: 'localauthority jwt activate',
  synopsis: 'Activates a prepared JWT authority for use, which will cause it to be used for all JWT signing operations serviced by this server going forward',
});
