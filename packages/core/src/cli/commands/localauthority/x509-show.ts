import { authorityShowCommand } from './authority-command.js';

/** `spire-server localauthority x509 show`. */
export const localAuthorityX509ShowCommand = authorityShowCommand({
  name: 'localauthority x509 show',
  synopsis: 'Shows the local X.509 authorities',
});
