#!/usr/bin/env node
// An external upstreamauthority built with the SDK, for wire tests.
import { serve } from '../index.js';
import { echoUpstreamAuthority } from './other-types.js';

await serve(echoUpstreamAuthority);
