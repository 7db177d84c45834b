import { authorityPrepareCommand } from './authority-command.js';

/** `spire-server localauthority jwt prepare`. */
export const localAuthorityJwtPrepareCommand = authorityPrepareCommand({
  name: 'localauthority jwt prepare',
  synopsis: 'Prepares a new JWT authority for use by generating a new key and injecting it into the bundle',
});
