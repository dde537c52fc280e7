/**
 * The finishing pass over the generated OpenAPI document, so that it says
 * what the service really answers: errors as `application/problem+json`
 * with the problem schema; the statuses any operation can meet (a body too
 * large, a browser on another origin, a stop under way …); the admin
 * token's scheme; response headers; the media types of /metrics and the
 * event stream; and each profile's webhooks. Pure: it rewrites a document.
 */
import type { TSchema } from 'typebox';

/** Documented as a client meets it; `detail` says which. */
const ANY_OPERATION: Record<string, string> = {
  '414': 'The URL is too long',
  '431': 'The request headers are too large',
  '500': 'An unexpected error (the server log has it under the request id)',
  '503': 'The service is stopping, or its store cannot take the request',
};
const WITH_BODY: Record<string, string> = {
  '400': 'The body is not valid (each wrong field is named)',
  '413': 'The body is larger than 1 MiB',
  '415': 'The body is not JSON',
};
const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);
const WEBHOOK_HEADERS = [
  ['webhook-id', 'Standard Webhooks: one id per announced event, the same on every retry and re-send'],
  ['webhook-timestamp', 'Standard Webhooks: seconds since the epoch, fresh on each attempt'],
  ['webhook-signature', 'Standard Webhooks: v1,<base64 HMAC-SHA256>, one per configured secret (sent only when signing)'],
] as const;

type Json = Record<string, unknown>;
interface Response {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: Array<{ in?: string; name?: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, Response>;
  security?: unknown;
}

const text = (description: string) => ({ description, schema: { type: 'string' } });

/** Paths served on another listener, with the components they use. */
export interface DocumentedPaths {
  paths: Json;
  components: { schemas: Json; securitySchemes: Json };
}

export function refineDocument(
  doc: Json,
  webhooks: Readonly<Record<string, { summary: string; schema: TSchema }>>,
  problemSchema: unknown,
  extra?: DocumentedPaths,
): Json {
  const components = ((doc.components as Json | undefined) ??= {});
  const schemas = ((components.schemas as Json | undefined) ??= {});
  schemas.Problem = problemSchema;
  const problemRef = { $ref: '#/components/schemas/Problem' };
  const problem = (description: string, headers?: Record<string, unknown>): Response => ({
    description,
    content: { 'application/problem+json': { schema: problemRef } },
    ...(headers ? { headers } : {}),
  });
  doc.servers ??= [{ url: '/', description: 'this hamster-pg (the origin the document was read from)' }];
  components.securitySchemes = {
    adminBearer: { type: 'http', scheme: 'bearer', description: 'admin.token, when it is set' },
    adminHeader: { type: 'apiKey', in: 'header', name: 'X-Admin-Token', description: 'admin.token, when it is set' },
  };
  const retryAfter = { 'Retry-After': text('Seconds to wait before trying again') };

  for (const [path, item] of Object.entries((doc.paths as Record<string, Record<string, Operation>> | undefined) ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || op === null || !('responses' in op || 'tags' in op)) continue;
      const responses = (op.responses ??= {});
      for (const [status, response] of Object.entries(responses)) {
        // No content is no content (204; a 202 that sends nothing), not a JSON null.
        const json = response.content?.['application/json']?.schema as { type?: unknown } | undefined;
        if (status === '204' || json?.type === 'null') delete response.content;
        if (Number(status) < 400) continue;
        // A problem, as every error handler sends it (not, say, /ready's own 503 body).
        if (isProblemSchema(response.content?.['application/json']?.schema)) {
          responses[status] = problem(response.description ?? 'A problem (RFC 9457)', response.headers);
        }
      }
      const add = (status: string, description: string, headers?: Record<string, unknown>) => {
        responses[status] ??= problem(description, headers);
      };
      for (const [status, description] of Object.entries(ANY_OPERATION)) add(status, description, status === '503' ? retryAfter : undefined);
      if (op.requestBody) {
        // No body at all is validated as null (Fastify), so a body that may be null may be left out.
        if (acceptsNull(op.requestBody)) op.requestBody.required = false;
        for (const [status, description] of Object.entries(WITH_BODY)) add(status, description);
        responses['415']!.headers ??= { 'Accept-Encoding': text('The content codings a body may have: gzip, deflate, br') };
      }
      if ((op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query')) add('400', 'A path or query parameter is not valid');
      if (UNSAFE.has(method)) add('403', 'A browser page on another origin tried to change state (see server.cors.origins)');
      if (op.tags?.includes('admin')) {
        op.security = [{ adminBearer: [] }, { adminHeader: [] }];
        add('401', 'admin.token is set, and the request does not carry it');
      } else {
        // Open on purpose: a sandbox's payment API takes any caller (docs/operations.md, "Who may call what").
        op.security ??= [];
      }
      op.operationId ??= operationId(method, path);
      if ((op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key')) {
        const accepted = responses['202'];
        if (accepted) accepted.headers = { 'Idempotent-Replayed': text('true when this is the stored answer to an earlier request with the same key') };
        for (const status of ['409', '429', '503']) {
          const r = responses[status];
          if (r) r.headers = retryAfter;
        }
      }
      if (path === '/metrics' && method === 'get') {
        responses['200'] = { description: 'Prometheus metrics', content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } };
      }
      if (path === '/api/events' && method === 'get') {
        responses['200'] = {
          description: 'Server-Sent Events: `payment`, `webhook` and `resync` events, JSON data',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        };
      }
    }
  }

  doc.webhooks = Object.fromEntries(
    Object.entries(webhooks).map(([name, { summary, schema }]) => [
      name,
      {
        post: {
          operationId: `webhook${name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase())}`,
          summary,
          // hamster-pg calls your receiver; what protects it is the signature.
          security: [],
          parameters: WEBHOOK_HEADERS.map(([header, description]) => ({
            in: 'header',
            name: header,
            required: false,
            description,
            schema: { type: 'string' },
          })),
          requestBody: { required: true, content: { 'application/json': { schema } } },
          responses: {
            '200': { description: 'Delivered: any 2xx. Anything else (or no answer in payment.webhook.timeout) is retried; 410 stops the retries' },
          },
        },
      },
    ]),
  );
  // Paths of contracts on listeners of their own, as they describe them (not refined above).
  if (extra) {
    Object.assign(doc.paths as Json, extra.paths);
    Object.assign(schemas, extra.components.schemas);
    Object.assign(components.securitySchemes as Json, extra.components.securitySchemes);
  }
  return doc;
}

/** `post /api/payment/{tid}/cancel` → `postApiPaymentTidCancel`: stable, unique per operation. */
function operationId(method: string, path: string): string {
  const words = [method, ...path.split(/[^A-Za-z0-9]+/).filter(Boolean)];
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function isProblemSchema(schema: unknown): boolean {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties !== undefined && 'code' in properties && 'title' in properties && 'detail' in properties;
}

function acceptsNull(body: NonNullable<Operation['requestBody']>): boolean {
  const schema = body.content?.['application/json']?.schema as { anyOf?: Array<{ type?: unknown }> } | undefined;
  return schema?.anyOf?.some((branch) => branch.type === 'null') === true;
}
