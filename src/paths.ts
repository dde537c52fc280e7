/**
 * Where the package's own files are, found by walking up from this module to
 * the package.json named hamster-pg — so it works from src/ (tsx), dist/
 * (tsc) and the single-file bundle alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'hamster-pg') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hamster-pg: cannot find its package.json');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();
export const PACKAGE_JSON = join(PACKAGE_ROOT, 'package.json');
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dashboard');
