/** Routes by path: which methods a path has, for a 405 and its `Allow`. */

/** The order methods are listed in `Allow`. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Every route's method and path pattern (find-my-way's syntax: `:param`,
 * `:param(regex)`, a trailing `*`), to say which methods a concrete path has.
 * Only the not-found answer asks, so matching is a plain scan.
 */
export class RouteMethods {
  private readonly routes: Array<{ method: string; pattern: RegExp }> = [];

  add(method: string | string[], url: string): void {
    const pattern = compile(url);
    for (const m of Array.isArray(method) ? method : [method]) this.routes.push({ method: m.toUpperCase(), pattern });
  }

  /** The methods some route answers `path` (no query) with, in `Allow` order; GET brings HEAD. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) methods.add(r.method);
    if (methods.has('GET')) methods.add('HEAD');
    const rank = (m: string) => (METHOD_ORDER.indexOf(m) + 1 || METHOD_ORDER.length + 1);
    return [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
}

function compile(url: string): RegExp {
  let source = '';
  for (let i = 0; i < url.length; ) {
    const c = url[i]!;
    if (c === ':' && url[i + 1] === ':') {
      source += ':';
      i += 2;
    } else if (c === ':') {
      let j = i + 1;
      while (j < url.length && /[\w$]/.test(url[j]!)) j++;
      if (url[j] === '(') {
        let depth = 0;
        let k = j;
        for (; k < url.length; k++) {
          if (url[k] === '\\') k++;
          else if (url[k] === '(') depth++;
          else if (url[k] === ')' && --depth === 0) break;
        }
        source += `(?:${url.slice(j + 1, k).replace(/^\^/, '').replace(/\$$/, '')})`;
        j = k + 1;
      } else {
        source += '[^/]+';
      }
      i = j;
    } else if (c === '*') {
      source += '.*';
      i++;
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${source}$`);
}
