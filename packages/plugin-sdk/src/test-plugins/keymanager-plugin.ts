#!/usr/bin/env node
// An external KeyManager built with the SDK: the server starts this file through plugin_cmd.
import { serve } from '../index.js';
import { memoryKeyManager } from './memory-keymanager.js';

await serve(memoryKeyManager);
