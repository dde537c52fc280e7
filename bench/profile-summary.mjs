#!/usr/bin/env node
/**
 * Summarizes a CPU profile written under `npm run bench -- --profile`:
 * where the process's busy time went, by part (SQLite, Node's own HTTP and
 * streams, Fastify, undici, hamster-pg's code, …) and by function, per
 * payment when given their number. The service runs as one bundle
 * (dist/hamster-pg.cjs); its frames are named after the module each comes
 * from, read from the `// path` lines esbuild writes before each module.
 *
 *   node bench/profile-summary.mjs bench/.work/profiles/CPU.….cpuprofile [payments] [--functions N] [--only REGEX]
 *
 * Self time only: a frame's time is its own, not its callees'. Native calls
 * (SQLite's work inside better-sqlite3, a socket write) count for the
 * JavaScript frame that made them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    functions: { type: 'string', default: '25' },
    only: { type: 'string' },
    bundle: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'hamster-pg.cjs') },
  },
});
const [file, paymentsText] = positionals;
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [payments] [--functions N] [--only REGEX]');
  process.exit(2);
}
const payments = paymentsText ? Number(paymentsText) : null;
if (payments !== null && !(payments > 0)) {
  console.error(`payments must be a number above 0, not ${paymentsText}`);
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));

/** Line → module, for frames in the bundle: the start line of each module, in order. */
const starts = [];
try {
  readFileSync(opts.bundle, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\s*\/\/ ((?:node_modules|dist|src)\/\S+\.(?:c|m)?js(?:on)?)$/.exec(line);
      if (m) starts.push([i, m[1]]);
    });
} catch {
  // No bundle (the floor's profiles, or an unbuilt tree): frames keep their URLs.
}
function moduleAt(line) {
  let lo = 0;
  let hi = starts.length - 1;
  let found = '(bundle)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid][0] <= line) {
      found = starts[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
const whereOf = (frame) => (frame.url.endsWith('hamster-pg.cjs') ? moduleAt(frame.lineNumber) : frame.url.replace(/^file:\/\/.*?\/(node_modules|bench|dist)\//, '$1/'));

const PARTS = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['SQLite statements (with the JavaScript that calls them)', (f, w) => /sqlite\.driver|better-sqlite3|floor-server\.mjs/.test(w)],
  ['socket writes', (f) => /^(writev|writeUtf8String|writeBuffer|writeLatin1String)$/.test(f.functionName)],
  ['PostgreSQL driver', (f, w) => /node_modules\/(pg|pg-protocol|pg-pool)\//.test(w)],
  ['undici (the webhook client)', (f, w) => /undici/.test(w)],
  ['Fastify: routing, parsing, hooks, serialization', (f, w) => /fastify|find-my-way|secure-json-parse|avvio|fast-json-stringify|ajv|typebox/.test(w)],
  ['Kysely', (f, w) => /kysely/.test(w)],
  ['metrics and logging', (f, w) => /prom-client|pino/.test(w)],
  ['hamster-pg', (f, w) => /^(dist|src)\//.test(w)],
  ['the floor', (f, w) => /bench\/.*\.mjs/.test(w)],
  ['Node and V8 (HTTP, streams, timers, promises, compiling)', (f, w) => w === '' || w.startsWith('node:') || f.functionName.startsWith('(')],
  ['other', () => true],
];

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  totalUs += dt;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});

const byPart = new Map();
const byFunction = new Map();
const only = opts.only ? new RegExp(opts.only) : null;
for (const [id, us] of selfUs) {
  const frame = nodes.get(id).callFrame;
  const where = whereOf(frame);
  const part = PARTS.find(([, test]) => test(frame, where))[0];
  byPart.set(part, (byPart.get(part) ?? 0) + us);
  if (part === 'idle' || (only && !only.test(where))) continue;
  const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}

const busyUs = totalUs - (byPart.get('idle') ?? 0);
const unit = payments ? 'µs/payment' : 'ms';
const show = (us) => (payments ? (us / payments).toFixed(1) : (us / 1000).toFixed(0)).padStart(8);
console.log(`${file}\nbusy: ${(busyUs / 1000).toFixed(0)} ms of ${(totalUs / 1000).toFixed(0)} ms${payments ? ` = ${(busyUs / payments).toFixed(0)} µs per payment over ${payments}` : ''}\n`);
console.log(`${unit.padStart(10)}  share  part`);
for (const [part, us] of [...byPart].sort((a, b) => b[1] - a[1])) {
  if (part === 'idle') continue;
  console.log(`${show(us)}  ${((100 * us) / busyUs).toFixed(1).padStart(5)}%  ${part}`);
}
const n = Number(opts.functions);
if (n > 0) {
  console.log(`\n${unit.padStart(10)}  share  function${only ? ` (in ${opts.only})` : ''}`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${show(us)}  ${((100 * us) / busyUs).toFixed(1).padStart(5)}%  ${key}`);
}
