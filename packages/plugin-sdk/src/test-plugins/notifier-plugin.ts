#!/usr/bin/env node
// An external notifier built with the SDK, for wire tests.
import { serve } from '../index.js';
import { probeNotifier } from './other-types.js';

await serve(probeNotifier);
