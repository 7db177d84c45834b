import { apiCommand } from '../../api-command.js';
import { sendRelationships } from './batch.js';
import { RELATIONSHIP_FLAGS } from './federation-common.js';

/** `spire-server federation update`: replaces relationships from flags or `-data`. */
export const federationUpdateCommand = apiCommand({
  name: 'federation update',
  synopsis: 'Updates a dynamic federation relationship with a foreign trust domain',
  flags: RELATIONSHIP_FLAGS,
  output: true,
  run: (ctx) => sendRelationships(ctx, 'update'),
});
