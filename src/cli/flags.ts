/** Command-line flags read strictly, with the nearest known flag suggested for a mistyped one. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../config.js';
import { ConfigError } from '../errors.js';

export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw error;
    const given = /'(-{1,2}[^']+)'/.exec(e.message ?? '')?.[1] ?? '?';
    const known = Object.entries(config.options ?? {}).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
    const hint = closestName(given.replace(/=.*$/, ''), known);
    throw new ConfigError(`Unknown option '${given}'${hint ? ` (did you mean ${hint}?)` : ''} — see --help`);
  }
}
