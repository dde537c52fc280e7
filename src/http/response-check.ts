/**
 * The interface it documents is the one it serves: with
 * HAMSTER_PG_CHECK_RESPONSES=1 (the test suite sets it, for every instance
 * it starts, in-process or as a child), every answer of a documented
 * operation is checked against /openapi.json before it leaves — its status
 * documented, its media type documented for that status, its JSON body
 * valid against the schema (JSON Schema 2020-12). An undocumented answer is
 * replaced by a 500 problem UNDOCUMENTED_RESPONSE naming what was wrong, so
 * the test that caused it fails at once. Off (and free) otherwise.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { HttpServer } from './server.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.js';

export const CHECK_RESPONSES_ENV = 'HAMSTER_PG_CHECK_RESPONSES';

interface DocResponse {
  content?: Record<string, { schema?: unknown }>;
}
type Doc = { paths?: Record<string, Record<string, { responses?: Record<string, DocResponse> }>> };

/** `/api/payment/:tid/cancel` → `/api/payment/{tid}/cancel` (as the document names it). */
const toDocPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const baseType = (type: string) => type.split(';')[0]!.trim().toLowerCase();

export function registerResponseCheck(app: HttpServer): void {
  if (process.env[CHECK_RESPONSES_ENV] !== '1') return;
  let doc: Doc | null = null;
  let ajv: Ajv2020 | null = null;
  const validators = new Map<string, ValidateFunction>();

  const check = (method: string, url: string, status: number, contentType: string, payload: unknown): string | null => {
    doc ??= app.swagger() as Doc;
    const path = toDocPath(url);
    const operation = doc.paths?.[path]?.[method.toLowerCase()];
    if (!operation) return null; // not a documented operation (the dashboard's files, /docs, /openapi.json)
    const responses = operation.responses ?? {};
    const key = String(status);
    const documented = responses[key] ?? responses[`${key[0]}XX`] ?? responses.default;
    if (!documented) return `${method} ${path} answered ${status}, which its documentation does not list`;
    // (A 204's body is dropped on the way out, whatever was serialized.)
    const body = status === 204 ? null : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (!documented.content) return body ? `${method} ${path} ${status} has a body, documented as none` : null;
    if (!body) return null; // nothing sent: no media type to check
    const type = baseType(contentType);
    const media = Object.keys(documented.content).find((t) => baseType(t) === type);
    if (media === undefined) return `${method} ${path} ${status} answered ${type || 'no content type'}; documented: ${Object.keys(documented.content).join(', ')}`;
    if (!body || !type.endsWith('json')) return null;
    const responseKey = responses[key] ? key : responses[`${key[0]}XX`] ? `${key[0]}XX` : 'default';
    const ref = `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', responseKey, 'content', media, 'schema')}`;
    let validate = validators.get(ref);
    if (!validate) {
      ajv ??= new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
      if (!ajv.getSchema('openapi')) ajv.addSchema({ $id: 'openapi', ...(doc as object) });
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return `${method} ${path} ${status} sent ${type} that is not JSON`;
    }
    if (validate(value)) return null;
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`.trim());
    return `${method} ${path} ${status}: the body does not match its schema: ${errors.join('; ')}`;
  };

  app.addHook('onSend', (request, reply, payload, done) => {
    const url = request.routeOptions.url;
    if (url === undefined) return done(null, payload);
    const type = reply.getHeader('content-type');
    const wrong = check(request.method, url, reply.statusCode, typeof type === 'string' ? type : '', payload);
    if (wrong === null) return done(null, payload);
    request.log.error({ undocumented: wrong }, 'undocumented response');
    reply.code(500).type(PROBLEM_CONTENT_TYPE);
    done(null, JSON.stringify(problem(500, 'UNDOCUMENTED_RESPONSE', 'Undocumented response', wrong)));
  });
}
