#!/usr/bin/env node
// An external bundlepublisher built with the SDK, for wire tests.
import { serve } from '../index.js';
import { fileBundlePublisher } from './other-types.js';

await serve(fileBundlePublisher);
