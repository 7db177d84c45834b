#!/usr/bin/env node
// An external credentialcomposer built with the SDK, for wire tests.
import { serve } from '../index.js';
import { tagCredentialComposer } from './other-types.js';

await serve(tagCredentialComposer);
