// Bundles the command into one file (dist/hamster-pg.cjs): hundreds of small
// modules become one, which halves the time from start to ready. Packages
// that need their own files at run time (the native SQLite driver, pg,
// pino's transport workers) stay external; so do the dashboard's and the
// docs' static files. The bin, dist/hamster-pg.mjs (src/bin.ts), compiles
// the bundle with V8's code cache (src/launcher.ts), which takes a CommonJS
// script: hence CommonJS here, with import.meta.url given from __filename.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/hamster-pg.cjs',
  format: 'cjs',
  external: ['better-sqlite3', 'pg', 'pino', 'pino-pretty', 'thread-stream'],
  define: { 'import.meta.url': '__hamsterUrl' },
  // Strict, as the ES modules it is made of were.
  banner: { js: "'use strict'; const __hamsterUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: ['dist/bin.js'], outfile: 'dist/hamster-pg.mjs', format: 'esm' });
