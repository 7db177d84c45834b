import { authorityShowCommand } from './authority-command.js';

/** `spire-server localauthority jwt show`. */
export const localAuthorityJwtShowCommand = authorityShowCommand({
  name: 'localauthority jwt show',
  synopsis: 'Shows the local JWT authorities',
});
