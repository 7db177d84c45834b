import type { Command } from '../command.js';
import { validateCommand } from './validate.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file and is
 * added here.
 */
export const COMMANDS: readonly Command[] = [
  validateCommand,
];
