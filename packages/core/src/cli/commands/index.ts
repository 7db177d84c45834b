import type { Command } from '../command.js';
import { agentBanCommand } from './agent/ban.js';
import { agentCountCommand } from './agent/count.js';
import { agentEvictCommand } from './agent/evict.js';
import { agentListCommand } from './agent/list.js';
import { agentPurgeCommand } from './agent/purge.js';
import { agentShowCommand } from './agent/show.js';
import { bundleCountCommand } from './bundle/count.js';
import { bundleDeleteCommand } from './bundle/delete.js';
import { bundleListCommand } from './bundle/list.js';
import { bundleSetCommand } from './bundle/set.js';
import { bundleShowCommand } from './bundle/show.js';
import { debugGetInfoCommand } from './debug/getinfo.js';
import { entryCountCommand } from './entry/count.js';
import { entryCreateCommand } from './entry/create.js';
import { entryDeleteCommand } from './entry/delete.js';
import { entryShowCommand } from './entry/show.js';
import { entryUpdateCommand } from './entry/update.js';
import { federationCreateCommand } from './federation/create.js';
import { federationDeleteCommand } from './federation/delete.js';
import { federationListCommand } from './federation/list.js';
import { federationRefreshCommand } from './federation/refresh.js';
import { federationShowCommand } from './federation/show.js';
import { federationUpdateCommand } from './federation/update.js';
import { healthcheckCommand } from './healthcheck.js';
import { jwtMintCommand } from './jwt/mint.js';
import { localAuthorityJwtCommands } from './localauthority/jwt.js';
import { localAuthorityX509Commands } from './localauthority/x509.js';
import { loggerGetCommand, loggerResetCommand, loggerSetCommand } from './logger/logger-commands.js';
import { tokenGenerateCommand } from './token/generate.js';
import { upstreamAuthorityRevokeCommand, upstreamAuthorityTaintCommand } from './upstreamauthority/upstream-commands.js';
import { x509MintCommand } from './x509/mint.js';
import { featureFlagSet, witMintCommand } from './wit/mint.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file and is
 * added here.
 */
export const COMMANDS: readonly Command[] = [
  healthcheckCommand,
  agentBanCommand,
  agentCountCommand,
  agentEvictCommand,
  agentListCommand,
  agentPurgeCommand,
  agentShowCommand,
  bundleCountCommand,
  bundleDeleteCommand,
  bundleListCommand,
  bundleSetCommand,
  bundleShowCommand,
  debugGetInfoCommand,
  entryCountCommand,
  entryCreateCommand,
  entryDeleteCommand,
  entryShowCommand,
  entryUpdateCommand,
  federationCreateCommand,
  federationDeleteCommand,
  federationListCommand,
  federationRefreshCommand,
  federationShowCommand,
  federationUpdateCommand,
  jwtMintCommand,
  ...localAuthorityJwtCommands,
  ...localAuthorityX509Commands,
  loggerGetCommand,
  loggerResetCommand,
  loggerSetCommand,
  tokenGenerateCommand,
  upstreamAuthorityRevokeCommand,
  upstreamAuthorityTaintCommand,
  x509MintCommand,
  runCommand,
  validateCommand,
];


/**
 * The commands for this environment: every command, plus those SPIRE offers only behind a
 * feature flag named in SPIRE_SERVER_FFLAGS (`wit mint` behind `wit-svid`).
 */
export function commandsFor(env: NodeJS.ProcessEnv): readonly Command[] {
  return featureFlagSet(env, 'wit-svid') ? [...COMMANDS, witMintCommand] : COMMANDS;
}
