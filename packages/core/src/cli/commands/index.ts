import type { Command } from '../command.js';
import { entryCountCommand } from './entry/count.js';
import { entryCreateCommand } from './entry/create.js';
import { entryDeleteCommand } from './entry/delete.js';
import { entryShowCommand } from './entry/show.js';
import { entryUpdateCommand } from './entry/update.js';
import { healthcheckCommand } from './healthcheck.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file and is
 * added here.
 */
export const COMMANDS: readonly Command[] = [
  healthcheckCommand,
  entryCountCommand,
  entryCreateCommand,
  entryDeleteCommand,
  entryShowCommand,
  entryUpdateCommand,
];
