import { authorityIdCommand } from './authority-command.js';

/** `spire-server localauthority jwt taint -authorityID <id>`. */
export const localAuthorityJwtTaintCommand = authorityIdCommand({
  name: 'localauthority jwt taint',
  synopsis: 'Marks the previously active JWT authority as being tainted',
});
