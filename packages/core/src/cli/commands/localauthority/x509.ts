import { localAuthorityCommands } from './authority-commands.js';

/** `spire-server localauthority x509 show|prepare|activate|taint|revoke`. */
export const localAuthorityX509Commands = localAuthorityCommands('x509');
