import type { Command } from '../command.js';
import { healthcheckCommand } from './healthcheck.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file and is
 * added here.
 */
export const COMMANDS: readonly Command[] = [healthcheckCommand];
