/**
 * What the command's entry (`src/bin.ts` → `dist/hamster-pg.mjs`, the
 * `hamster-pg` bin) does: runs the bundled command (`dist/hamster-pg.cjs`) from V8's code cache.
 *
 * Compiling the 3.8 MB bundle was a third of every start (Node 20 has no
 * module compile cache; `module.enableCompileCache` comes with Node 22). The
 * bundle is compiled here as a script with the bytecode V8 made for it last
 * time, and after a start without a usable cache, V8's bytecode of everything
 * compiled so far is written for the next one — once, a second in (or at
 * exit, for a short command).
 *
 * V8 checks a cache against the Node version and the V8 flags it was made
 * with (it refuses one made under another `--max-old-space-size`), but checks
 * the source only by its length, so a cache file's name carries a hash of the
 * bundle's bytes, the Node version, the architecture and the flags: a rebuilt
 * bundle (even one of the same length, as a version bump makes) or another
 * Node never meets a cache not made for it, and each set of flags keeps its own.
 * So does each command: a cache holds the bytecode of what its first run
 * compiled, and `serve` (2 MB) compiles more than `--version` (1.5 MB):
 * serve was ready about 30 ms sooner from its own cache than from
 * `--version`'s.
 *
 * Where: `node_modules/.cache/hamster-pg/` in the package, or else
 * `$XDG_CACHE_HOME/hamster-pg/` (`~/.cache/hamster-pg/`), the first that can
 * be written — never a shared temporary folder, since a cache is code.
 * `HAMSTER_PG_CODE_CACHE=off` runs without one; `=<folder>` keeps it there.
 * A cache that cannot be read or written only costs the time it would save.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script, constants } from 'node:vm';

/** The folders a cache is looked for (and written to, the first that can be) in. */
export function cacheFolders(env: NodeJS.ProcessEnv, packageRoot: string, home: string): string[] {
  const setting = env.HAMSTER_PG_CODE_CACHE?.trim();
  if (setting !== undefined && /^(off|false|0|no)$/i.test(setting)) return [];
  if (setting) return [setting];
  return [join(packageRoot, 'node_modules', '.cache', 'hamster-pg'), join(env.XDG_CACHE_HOME || join(home, '.cache'), 'hamster-pg')];
}

/** How the bundle is run: the cache made by one command holds the code that command ran. */
export interface Runtime {
  version: string;
  arch: string;
  execArgv: readonly string[];
  /** The command (`serve`, `pay` …; '' for flags alone). */
  command: string;
}

/** `<bundle>-<runtime>.v8cache`: which bundle (by its bytes), and which Node with which flags ran which command. */
export function cacheName(bundle: Buffer, runtime: Runtime): { name: string; bundleKey: string } {
  // SHA-1 for speed (2 ms over the bundle): this tells builds apart, it guards against no one.
  const bundleKey = createHash('sha1').update(bundle).digest('hex').slice(0, 16);
  const runtimeKey = createHash('sha1').update([runtime.version, runtime.arch, runtime.command, ...runtime.execArgv].join('\0')).digest('hex').slice(0, 16);
  return { name: `${bundleKey}-${runtimeKey}.v8cache`, bundleKey };
}

/** The command word of an argument list: the first argument unless it is a flag. */
export function commandOf(argv: readonly string[]): string {
  const first = argv[0];
  return first === undefined || first.startsWith('-') ? '' : first;
}

/** The bundle as a function of CommonJS's five, its `#!` line kept as an empty one (line numbers hold). */
function wrap(source: string): string {
  const body = source.startsWith('#!') ? source.slice(source.indexOf('\n')) : source;
  return `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
}

function readCache(folders: readonly string[], name: string): Buffer | undefined {
  for (const folder of folders) {
    try {
      return readFileSync(join(folder, name));
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Writes the cache to the first folder that takes it; other bundles' caches there are removed. */
function writeCache(folders: readonly string[], name: string, bundleKey: string, data: Buffer): void {
  for (const folder of folders) {
    try {
      mkdirSync(folder, { recursive: true });
      const temporary = join(folder, `${name}.${process.pid}.tmp`);
      writeFileSync(temporary, data);
      renameSync(temporary, join(folder, name));
      for (const old of readdirSync(folder)) if (old.endsWith('.v8cache') && !old.startsWith(bundleKey)) rmSync(join(folder, old), { force: true });
      return;
    } catch {
      // read-only or not ours: the next one
    }
  }
}

export function launch(bundle: string): void {
  const folders = cacheFolders(process.env, dirname(dirname(bundle)), homedir());
  const bytes = readFileSync(bundle);
  const { name, bundleKey } = cacheName(bytes, { version: process.version, arch: process.arch, execArgv: process.execArgv, command: commandOf(process.argv.slice(2)) });
  const cachedData = folders.length > 0 ? readCache(folders, name) : undefined;
  const script = new Script(wrap(bytes.toString('utf8')), {
    filename: bundle,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (folders.length > 0 && (cachedData === undefined || script.cachedDataRejected === true)) {
    let written = false;
    const save = () => {
      if (written) return;
      written = true;
      writeCache(folders, name, bundleKey, script.createCachedData());
    };
    setTimeout(save, 1000).unref();
    process.once('exit', save);
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
