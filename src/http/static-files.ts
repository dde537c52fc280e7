/**
 * The package's static files (the dashboard, the API reference's assets),
 * served by a route per file: the folder is listed once at registration, so
 * any other path keeps its own 404 or 414, and nothing outside the folder can
 * be named. Each answer carries a validator (a weak ETag from size and
 * modification time, and Last-Modified) and `Cache-Control: no-cache`, so a
 * browser asks again and gets a 304 while the file is unchanged — an edited
 * dashboard file shows on the next reload. Bodies are streamed, never kept.
 *
 * Our own instead of @fastify/static: that plugin (with its dependencies)
 * took 35–65 ms of every start, for a flat folder of a few files.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from './server.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticFolder {
  /** The folder; only its regular files are served, not its sub-folders. */
  dir: string;
  /** The URL path the files are under, ending in `/`: `/` or `/docs/static/`. */
  prefix: string;
  /** A file also served at the prefix itself (`index.html` at `/`). */
  index?: string;
  /** Files of the folder not to serve. */
  skip?: readonly string[];
  /** Headers added to every answer (a CSP, say). */
  headers?: Readonly<Record<string, string>>;
}

/** Registers one GET (and HEAD) route per file; returns the file names served. */
export function serveFolder(app: HttpServer, folder: StaticFolder): string[] {
  const skip = new Set(folder.skip ?? []);
  const names = readdirSync(folder.dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !skip.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const serve = fileRoute(join(folder.dir, name), folder.headers ?? {});
    app.get(`${folder.prefix}${name}`, { schema: { hide: true } }, serve);
    if (name === folder.index) app.get(folder.prefix, { schema: { hide: true } }, serve);
  }
  return names;
}

function fileRoute(path: string, headers: Readonly<Record<string, string>>): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const type = contentTypeOf(path);
  return async (request, reply) => {
    let size: number;
    let modified: Date;
    try {
      const s = await stat(path);
      if (!s.isFile()) return reply.callNotFound();
      size = s.size;
      modified = s.mtime;
    } catch {
      // Removed since the service started.
      return reply.callNotFound();
    }
    const etag = `W/"${size.toString(16)}-${Math.floor(modified.getTime()).toString(16)}"`;
    void reply.headers({ ...headers, 'content-type': type, etag, 'last-modified': modified.toUTCString(), 'cache-control': 'no-cache' });
    if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send();
    void reply.header('content-length', size);
    return reply.send(createReadStream(path));
  };
}

/** `If-None-Match` compares weakly: any listed tag, W/ or not, or `*`. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}
