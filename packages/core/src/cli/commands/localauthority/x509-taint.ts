import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority x509 taint -authorityID <id>`. */
export const localAuthorityX509TaintCommand = authorityIdCommand({
  name: 'localauthority x509 taint',
  synopsis: 'Marks the previously active X.509 authority as being tainted',
});
