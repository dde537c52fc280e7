/**
 * The admin API's request bodies, as documented. The routes read them with
 * the parse functions of scenario.ts and merchant.ts — which name every
 * wrong field at once, in the words docs/scripting.md uses — so these schemas
 * describe the bodies for the document (and for clients generated from
 * it) rather than validate them.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { FAIL_REASONS } from '../payments/payment.js';

const Duration = Type.Union([Type.Integer({ minimum: 0, description: 'milliseconds' }), Type.String({ examples: ['500ms', '3s', '2m'] })]);
const TextMatch = Type.Union([
  Type.String({ description: 'exact text, or a glob (* any run, ? one character)' }),
  Type.Object({ prefix: Type.String() }),
  Type.Object({ glob: Type.String() }),
  Type.Object({ exact: Type.String() }),
]);

const RuleFields = {
  match: Type.Optional(
    Type.Object(
      {
        orderId: Type.Optional(TextMatch),
        userPublicId: Type.Optional(TextMatch),
        amount: Type.Optional(Type.Union([Type.Number(), Type.Object({ min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) })])),
        mid: Type.Optional(TextMatch),
        header: Type.Optional(Type.String({ description: 'the X-Hamster-Scenario header value' })),
      },
      { description: 'every field given must match; none: every payment' },
    ),
  ),
  effect: Type.Optional(
    Type.Object({
      outcome: Type.Optional(Type.Enum(['SUCCESS', 'FAILED'])),
      reason: Type.Optional(Type.Enum([...FAIL_REASONS])),
      delay: Type.Optional(Type.Union([Duration, Type.Object({ min: Duration, max: Duration })])),
      webhook: Type.Optional(
        Type.Union([
          Type.Enum(['normal', 'none', 'reorder', 'bad-signature']),
          Type.Object({ delay: Duration }),
          Type.Object({ duplicate: Type.Integer({ minimum: 2 }) }),
        ]),
      ),
      accept: Type.Optional(
        Type.Union([Type.Enum(['normal', 'timeout', 'lose']), Type.Enum([500, 503, 429]), Type.Object({ timeout: Duration })]),
      ),
    }),
  ),
};

export const RuleBody = Type.Object(
  { name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }), ...RuleFields },
  { description: 'A scenario rule (docs/scripting.md, "Scenario rules")' },
);
/** A rule under its name in the path: the body's own name, if any, must be the same. */
export const NamedRuleBody = Type.Object({ name: Type.Optional(Type.String()), ...RuleFields });
export const RuleListBody = Type.Union([Type.Array(RuleBody), Type.Object({ scenarios: Type.Array(RuleBody) })]);

export const MerchantBody = Type.Object(
  {
    webhookUrl: Type.String({ description: 'an absolute http:// or https:// URL' }),
    secrets: Type.Optional(Type.Array(Type.String({ pattern: '^whsec_' }), { maxItems: 10 })),
    active: Type.Optional(Type.Boolean()),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    apiKey: Type.Optional(Type.String({ minLength: 8, maxLength: 500, description: "its API key: a PortOne store's V2 API secret (unset: minted once, then kept)" })),
    mid: Type.Optional(Type.String({ description: 'if given, the same as in the path' })),
  },
  { additionalProperties: false },
);

/** Params and query as usual; the body passed through to the parse function that names every wrong field. */
export const bodyReadByParser: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? () => true : TypeBoxValidatorCompiler(route);
