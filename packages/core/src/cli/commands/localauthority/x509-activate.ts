import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority x509 activate -authorityID <id>`. */
export const localAuthorityX509ActivateCommand = authorityIdCommand({
  name: 'localauthority x509 activate',
  synopsis: 'Activates a prepared X.509 authority for use, which will cause it to be used for all X.509 signing operations serviced by this server going forward',
});
