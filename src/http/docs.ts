/**
 * The API described: OpenAPI 3.1 generated from the routes' TypeBox schemas,
 * at /openapi.json, and an interactive reference at /docs (Swagger UI, served
 * from its npm package — no CDN; docs-ui.ts).
 */
import swagger from '@fastify/swagger';
import type { TSchema } from 'typebox';
import { registerDocsUi } from './docs-ui.js';
import { refineDocument, type DocumentedPaths } from './openapi.js';
import { Problem } from './problem.js';
import type { HttpServer } from './server.js';

/** Each profile's webhook, by name: documented under the document's `webhooks`. */
export type DocumentedWebhooks = Readonly<Record<string, { summary: string; schema: TSchema }>>;

export async function registerDocs(app: HttpServer, version: string, webhooks: DocumentedWebhooks = {}, extra?: () => DocumentedPaths): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'hamster-pg',
        version,
        license: { name: 'MIT', identifier: 'MIT' },
        description:
          'A sandbox asynchronous payment gateway: a payment is answered 202 at once; the result follows as a webhook to the merchant. ' +
          "Three wire contracts on one engine: the seed's (`POST /api/payment`) and the upstream hamster-world one (`POST /api/payment-process`) on this port, and PortOne V2 (tag `portone`) on its own port. " +
          'Errors are RFC 9457 problem documents.',
      },
      tags: [
        { name: 'payments', description: "The seed's payment API a Cash Gateway calls, and the test aids (trigger, re-send, cancel) for any payment" },
        { name: 'hamster-world', description: 'The upstream hamster-world contract: POST /api/payment-process, its MIDs, processes and payments' },
        { name: 'portone', description: 'PortOne V2 as @portone/server-sdk calls it, on its own port (portone.server.port); and its deposit test aid here' },
        { name: 'dashboard', description: 'What the dashboard reads' },
        { name: 'webhooks', description: 'The webhook inspector: every delivery by state, the exact request of each attempt, re-send one or requeue many' },
        { name: 'admin', description: 'Test control: scenarios, merchants, processing on demand' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
    // TypeBox marks refinements with keys like `~refine` that JSON Schema does not know.
    transform: ({ schema, url }) => ({ schema: stripInternal(schema) as typeof schema, url }),
    transformObject: (document) =>
      'openapiObject' in document
        ? (refineDocument(
            document.openapiObject as Record<string, unknown>,
            stripInternal(webhooks) as DocumentedWebhooks,
            stripInternal(Problem),
            extra?.(),
          ) as typeof document.openapiObject)
        : document.swaggerObject,
  });
  registerDocsUi(app);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

function stripInternal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripInternal);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('~')) out[k] = stripInternal(v);
  return out;
}
