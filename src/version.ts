/** The package's version, from its package.json. */
import { readFileSync } from 'node:fs';
import { PACKAGE_JSON } from './paths.js';

export const VERSION = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
