import type { Command } from '../command.js';
import { healthcheckCommand } from './healthcheck.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file and is
 * added here.
 */
export const COMMANDS: readonly Command[] = [
  healthcheckCommand,
  runCommand,
  validateCommand,
];
