#!/usr/bin/env node
// An external NodeAttestor built with the SDK.
import { serve } from '../index.js';
import { challengeNodeAttestor } from './challenge-nodeattestor.js';

await serve(challengeNodeAttestor);
