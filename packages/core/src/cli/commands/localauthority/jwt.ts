import { localAuthorityCommands } from './authority-commands.js';

/** `spire-server localauthority jwt show|prepare|activate|taint|revoke`. */
export const localAuthorityJwtCommands = localAuthorityCommands('jwt');
