#!/usr/bin/env node
// The plugin executable: point plugin_cmd at this file (dist/main.js) and plugin_checksum at
// its sha256. The SPIRE server starts it; run by hand it explains that and exits.
import { serve } from '@spire-ts/plugin-sdk';
import { bundleFileNotifier } from './index.js';

await serve(bundleFileNotifier);
