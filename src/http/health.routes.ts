/** Liveness and readiness, for orchestrators and load balancers. */
import cluster from 'node:cluster';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { isSchemaCurrent } from '../db/migrate.js';
import type { HttpServer } from './server.js';

const Health = Type.Object({
  status: Type.String(),
  instanceId: Type.Optional(Type.String()),
  pid: Type.Optional(Type.Integer({ description: 'the process that answered' })),
  worker: Type.Optional(Type.Integer({ description: 'in a cluster (server.workers): the worker that answered (1, 2, …; a replaced worker gets the next number)' })),
  detail: Type.Optional(Type.String()),
});

/** Who answers: this process, and its worker number in a cluster. */
const answering = () => ({ pid: process.pid, ...(cluster.isWorker && cluster.worker ? { worker: cluster.worker.id } : {}) });

export function registerHealthRoutes(app: HttpServer, deps: { database: Database; instanceId: string; stopping: () => boolean }): void {
  app.get(
    '/health',
    { schema: { summary: 'Liveness: the process answers', tags: ['operations'], response: { 200: Health } } },
    async () => ({ status: 'ok', instanceId: deps.instanceId, ...answering() }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: the database answers and its schema is current',
        tags: ['operations'],
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      if (deps.stopping()) return reply.code(503).send({ status: 'stopping' });
      try {
        await sql`select 1`.execute(deps.database.db);
        if (!(await isSchemaCurrent(deps.database))) return reply.code(503).send({ status: 'not ready', detail: 'schema not current' });
        return { status: 'ready', instanceId: deps.instanceId, ...answering() };
      } catch (error) {
        return reply.code(503).send({ status: 'not ready', detail: `database: ${(error as Error).message}` });
      }
    },
  );
}
