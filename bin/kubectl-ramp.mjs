#!/usr/bin/env node
// kubectl plugin entry point: `kubectl ramp …` runs this file. The CLI is TypeScript run through
// tsx, registered here so the plugin needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../controller/cli/main.ts');
