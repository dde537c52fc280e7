/**
 * The launcher's code cache: where it is kept and what its name tells apart.
 * (test/bundle.test.ts runs the built command with it.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFolders, cacheName, commandOf } from '../src/launcher.js';

const runtime = { version: 'v20.20.2', arch: 'x64', execArgv: [] as string[], command: 'serve' };

describe('cacheFolders', () => {
  it('keeps the cache in the package, else in the user’s cache folder — never a shared temporary one', () => {
    expect(cacheFolders({}, '/app', '/home/me')).toEqual([join('/app', 'node_modules/.cache/hamster-pg'), join('/home/me', '.cache/hamster-pg')]);
    expect(cacheFolders({ XDG_CACHE_HOME: '/xdg' }, '/app', '/home/me')).toEqual([join('/app', 'node_modules/.cache/hamster-pg'), join('/xdg', 'hamster-pg')]);
  });

  it('HAMSTER_PG_CODE_CACHE turns it off, or names the folder', () => {
    for (const off of ['off', 'OFF', 'false', '0', 'no', ' off ']) expect(cacheFolders({ HAMSTER_PG_CODE_CACHE: off }, '/app', '/h'), off).toEqual([]);
    expect(cacheFolders({ HAMSTER_PG_CODE_CACHE: '/var/cache/pg' }, '/app', '/h')).toEqual(['/var/cache/pg']);
    expect(cacheFolders({ HAMSTER_PG_CODE_CACHE: '' }, '/app', '/h')).toHaveLength(2);
  });
});

describe('cacheName', () => {
  it('tells apart bundles of the same length (V8 checks only the length)', () => {
    const a = cacheName(Buffer.from('version = "0.1.0"'), runtime);
    const b = cacheName(Buffer.from('version = "0.1.1"'), runtime);
    expect(a.name).not.toBe(b.name);
    expect(a.bundleKey).not.toBe(b.bundleKey);
    expect(cacheName(Buffer.from('version = "0.1.0"'), runtime)).toEqual(a);
    expect(a.name.startsWith(`${a.bundleKey}-`)).toBe(true);
    expect(a.name).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}\.v8cache$/);
  });

  it('gives each Node version, architecture, set of flags and command its own file for one bundle', () => {
    const bundle = Buffer.from('x');
    const names = [
      runtime,
      { ...runtime, version: 'v20.20.3' },
      { ...runtime, arch: 'arm64' },
      { ...runtime, execArgv: ['--max-old-space-size=128'] },
      { ...runtime, execArgv: ['--max-old-space-size=256'] },
      { ...runtime, command: 'pay' },
      { ...runtime, command: '' },
    ].map((r) => cacheName(bundle, r));
    expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
    expect(new Set(names.map((n) => n.bundleKey)).size).toBe(1);
  });
});

describe('commandOf', () => {
  it('is the first argument unless that is a flag', () => {
    expect(commandOf(['serve', '--port', '0'])).toBe('serve');
    expect(commandOf(['pay', '--count', '3'])).toBe('pay');
    expect(commandOf(['--version'])).toBe('');
    expect(commandOf([])).toBe('');
  });
});
