import { apiCommand } from '../../api-command.js';
import { sendRelationships } from './batch.js';
import { RELATIONSHIP_FLAGS } from './federation-common.js';

/** `spire-server federation create`: creates relationships from flags or `-data`. */
export const federationCreateCommand = apiCommand({
  name: 'federation create',
  synopsis: 'Creates a dynamic federation relationship with a foreign trust domain',
  flags: RELATIONSHIP_FLAGS,
  output: true,
  run: (ctx) => sendRelationships(ctx, 'create'),
});
