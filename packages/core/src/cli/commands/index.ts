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
import { consoleLoginCommand } from './console/login.js';
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
import { localAuthorityJwtActivateCommand } from './localauthority/jwt-activate.js';
import { localAuthorityJwtPrepareCommand } from './localauthority/jwt-prepare.js';
import { localAuthorityJwtRevokeCommand } from './localauthority/jwt-revoke.js';
import { localAuthorityJwtShowCommand } from './localauthority/jwt-show.js';
import { localAuthorityJwtTaintCommand } from './localauthority/jwt-taint.js';
import { localAuthorityX509ActivateCommand } from './localauthority/x509-activate.js';
import { localAuthorityX509PrepareCommand } from './localauthority/x509-prepare.js';
import { localAuthorityX509RevokeCommand } from './localauthority/x509-revoke.js';
import { localAuthorityX509ShowCommand } from './localauthority/x509-show.js';
import { localAuthorityX509TaintCommand } from './localauthority/x509-taint.js';
import { loggerGetCommand } from './logger/get.js';
import { loggerResetCommand } from './logger/reset.js';
import { loggerSetCommand } from './logger/set.js';
import { tokenGenerateCommand } from './token/generate.js';
import { upstreamAuthorityRevokeCommand } from './upstreamauthority/revoke.js';
import { upstreamAuthorityTaintCommand } from './upstreamauthority/taint.js';
import { x509MintCommand } from './x509/mint.js';
import { featureFlagSet, witMintCommand } from './wit/mint.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/**
 * Every `spire-server` subcommand, in one visible list. Each command lives in its own file, which
 * spells its full name (`localauthority x509 taint`), and is added here.
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
  consoleLoginCommand,
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
  localAuthorityJwtShowCommand,
  localAuthorityJwtPrepareCommand,
  localAuthorityJwtActivateCommand,
  localAuthorityJwtTaintCommand,
  localAuthorityJwtRevokeCommand,
  localAuthorityX509ShowCommand,
  localAuthorityX509PrepareCommand,
  localAuthorityX509ActivateCommand,
  localAuthorityX509TaintCommand,
  localAuthorityX509RevokeCommand,
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
