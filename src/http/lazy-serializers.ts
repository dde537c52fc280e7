/**
 * Response serializers compiled on a route's first answer instead of at
 * start-up. Fastify compiles a fast-json-stringify function for every
 * response schema of every route before it listens — about a sixth of the
 * start-up CPU here, for routes most runs never call. Same compiler, same
 * options and shared schemas (Fastify's own factory), only later: the first
 * answer of each route and status pays for its own.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;

const lazySerializers: Factory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | null = null;
    return (doc: unknown) => (serialize ??= compile(route))(doc);
  };
};

/** The `schemaController` option of a Fastify instance whose serializers compile lazily. */
export const LAZY_SERIALIZERS = { compilersFactory: { buildSerializer: lazySerializers } };
