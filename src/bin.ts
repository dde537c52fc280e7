#!/usr/bin/env node
/** The `hamster-pg` command (bundled as dist/hamster-pg.mjs): the bundle beside it, from V8's code cache (launcher.ts). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './launcher.js';

launch(join(dirname(fileURLToPath(import.meta.url)), 'hamster-pg.cjs'));
