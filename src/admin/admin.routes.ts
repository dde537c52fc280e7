/**
 * /api/admin: what a test suite drives hamster-pg with — scenario rules,
 * merchants, a processing pass on demand, and emptying the store. Protected
 * by `admin.token` when it is set (Authorization: Bearer <token>).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import { Type } from 'typebox';
import {
  AdminTokenRequired,
  DataResetDisabled,
  DefaultMerchant,
  InvalidDefinition,
  MerchantNotFound,
  ScenarioExists,
  ScenarioNotFound,
  ValidationFailed,
} from '../errors.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import { DEFAULT_MID, parseMerchant, type Merchant } from '../merchants/merchant.js';
import { Problem } from '../http/problem.js';
import { parseScenario, parseScenarios, type Scenario } from '../scenarios/scenario.js';
import type { Store } from '../store/store.js';
import { MerchantBody, NamedRuleBody, RuleBody, RuleListBody, bodyReadByParser } from './admin.schemas.js';
import type { Control } from './control.js';

export interface AdminDeps {
  control: Control;
  store: Store;
  token: string | null;
  allowDataReset: boolean;
  processNow: () => Promise<{ processed: number; attempts: number }>;
  log: Logger;
}

const Rule = Type.Record(Type.String(), Type.Unknown(), { description: 'A scenario rule: {name, match, effect} (see docs/scripting.md, "Scenario rules")' });
const RuleList = Type.Object({ scenarios: Type.Array(Rule) });
const MerchantView = Type.Object({
  mid: Type.String(),
  webhookUrl: Type.String(),
  secrets: Type.Array(Type.String({ description: 'masked: whsec_… and the last 4 characters' })),
  active: Type.Boolean(),
});
const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const MidParams = Type.Object({ mid: Type.String({ maxLength: 100 }) });
const problems = { 400: Problem, 401: Problem, 404: Problem, 409: Problem };
const noContent = { 204: Type.Null(), ...problems };

type AdminServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export function registerAdminRoutes(app: HttpServer, deps: AdminDeps): void {
  void app.register(
    async (plugin) => {
      const admin: AdminServer = plugin.withTypeProvider<TypeBoxTypeProvider>();
      admin.addHook('onRequest', async (request) => checkToken(request, deps.token));
      registerScenarioRoutes(admin, deps);
      registerMerchantRoutes(admin, deps);

      admin.post(
        '/process',
        {
          schema: {
            tags: ['admin'],
            summary: 'Run a processing pass and a delivery pass now',
            description: 'Answers when every due payment has been processed and every due webhook attempted, so tests need not wait for the polling delay.',
            response: { 200: Type.Object({ processed: Type.Integer(), attempts: Type.Integer() }), ...problems },
          },
        },
        async () => deps.processNow(),
      );

      admin.delete(
        '/data',
        { schema: { tags: ['admin'], summary: 'Empty the store (payments, webhooks, idempotency keys)', response: { 403: Problem, ...noContent } } },
        async (_request, reply) => {
          if (!deps.allowDataReset) {
            throw new DataResetDisabled();
          }
          await deps.store.resetData();
          deps.log.warn('store emptied by DELETE /api/admin/data');
          return reply.code(204).send(null);
        },
      );
    },
    { prefix: '/api/admin' },
  );
}

function checkToken(request: FastifyRequest, token: string | null): void {
  if (token === null) return;
  const auth = request.headers.authorization;
  const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : request.headers['x-admin-token'];
  const ok =
    typeof given === 'string' &&
    given.length === token.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(token));
  if (!ok) {
    throw new AdminTokenRequired();
  }
}

function invalid(error: unknown): never {
  if (error instanceof InvalidDefinition) {
    throw new ValidationFailed(error.message, error.problems);
  }
  throw error;
}

function registerScenarioRoutes(admin: AdminServer, deps: AdminDeps): void {
  const { control } = deps;
  const list = () => ({ scenarios: control.scenarios().map((r) => r.source) });
  const save = async (rules: Scenario[]) => {
    await control.setScenarios(rules);
    deps.log.info({ rules: rules.map((r) => r.name) }, 'scenario rules changed');
  };

  admin.get('/scenarios', { schema: { tags: ['admin'], summary: 'The scenario rules, in order', response: { 200: RuleList, ...problems } } }, async () => list());

  admin.put(
    '/scenarios',
    {
      schema: {
        tags: ['admin'],
        summary: 'Replace every scenario rule',
        description: 'The body is the list of rules (or {"scenarios": [...]}); the first that matches a payment decides it.',
        body: RuleListBody,
        response: { 200: RuleList, ...problems },
      },
      validatorCompiler: bodyReadByParser,
    },
    async (request) => {
      const body = request.body as unknown;
      const raw = typeof body === 'object' && body !== null && !Array.isArray(body) && 'scenarios' in body ? (body as { scenarios: unknown }).scenarios : body;
      let rules: Scenario[] = [];
      try {
        rules = parseScenarios(raw);
      } catch (error) {
        invalid(error);
      }
      await save(rules);
      return list();
    },
  );

  admin.post(
    '/scenarios',
    {
      schema: {
        tags: ['admin'],
        summary: 'Add a scenario rule',
        description: 'Appended, or inserted at ?position=N (0: first). A rule with the same name: 409.',
        querystring: Type.Object({ position: Type.Optional(Type.Integer({ minimum: 0 })) }),
        body: RuleBody,
        response: { 201: Rule, ...problems },
      },
      validatorCompiler: bodyReadByParser,
    },
    async (request, reply) => {
      let rule: Scenario | undefined;
      try {
        rule = parseScenario(request.body, 'body');
      } catch (error) {
        invalid(error);
      }
      const rules = [...control.scenarios()];
      if (rules.some((r) => r.name === rule.name)) {
        throw new ScenarioExists(rule.name);
      }
      rules.splice(Math.min(request.query.position ?? rules.length, rules.length), 0, rule);
      await save(rules);
      return reply.code(201).send(rule.source);
    },
  );

  admin.get(
    '/scenarios/:name',
    { schema: { tags: ['admin'], summary: 'One scenario rule', params: NameParams, response: { 200: Rule, ...problems } } },
    async (request) => findRule(control, request.params.name).source,
  );

  admin.put(
    '/scenarios/:name',
    {
      schema: { tags: ['admin'], summary: 'Replace one scenario rule, keeping its place (or add it last)', params: NameParams, body: NamedRuleBody, response: { 200: Rule, ...problems } },
      validatorCompiler: bodyReadByParser,
    },
    async (request) => {
      let rule: Scenario | undefined;
      try {
        rule = parseScenario({ ...(request.body as Record<string, unknown>), name: request.params.name }, 'body');
      } catch (error) {
        invalid(error);
      }
      const rules = [...control.scenarios()];
      const at = rules.findIndex((r) => r.name === rule.name);
      if (at >= 0) rules[at] = rule;
      else rules.push(rule);
      await save(rules);
      return rule.source;
    },
  );

  admin.delete(
    '/scenarios/:name',
    { schema: { tags: ['admin'], summary: 'Remove one scenario rule', params: NameParams, response: noContent } },
    async (request, reply) => {
      findRule(control, request.params.name);
      await save(control.scenarios().filter((r) => r.name !== request.params.name));
      return reply.code(204).send(null);
    },
  );

  admin.delete('/scenarios', { schema: { tags: ['admin'], summary: 'Remove every scenario rule', response: noContent } }, async (_request, reply) => {
    await save([]);
    return reply.code(204).send(null);
  });
}

function findRule(control: Control, name: string): Scenario {
  const rule = control.scenarios().find((r) => r.name === name);
  if (!rule) throw new ScenarioNotFound(name);
  return rule;
}

function registerMerchantRoutes(admin: AdminServer, deps: AdminDeps): void {
  const { control } = deps;

  admin.get(
    '/merchants',
    { schema: { tags: ['admin'], summary: 'The merchants (MIDs)', response: { 200: Type.Object({ merchants: Type.Array(MerchantView) }), ...problems } } },
    async () => ({ merchants: control.merchants().map(view) }),
  );

  admin.get(
    '/merchants/:mid',
    { schema: { tags: ['admin'], summary: 'One merchant', params: MidParams, response: { 200: MerchantView, ...problems } } },
    async (request) => view(findMerchant(control, request.params.mid)),
  );

  admin.put(
    '/merchants/:mid',
    {
      schema: {
        tags: ['admin'],
        summary: 'Register or replace a merchant',
        description: 'Body: {webhookUrl, secrets?: [whsec_…], active?: true}. Its payments’ webhooks go to webhookUrl, signed with its secrets (else the global ones).',
        params: MidParams,
        body: MerchantBody,
        response: { 200: MerchantView, 201: MerchantView, ...problems },
      },
      validatorCompiler: bodyReadByParser,
    },
    async (request, reply) => {
      let merchant: Merchant | undefined;
      try {
        merchant = parseMerchant(request.body, '', request.params.mid);
      } catch (error) {
        invalid(error);
      }
      const existed = control.merchant(merchant.mid) !== undefined;
      await control.putMerchant(merchant);
      deps.log.info({ mid: merchant.mid, active: merchant.active }, existed ? 'merchant replaced' : 'merchant registered');
      return reply.code(existed ? 200 : 201).send(view(merchant));
    },
  );

  admin.delete(
    '/merchants/:mid',
    { schema: { tags: ['admin'], summary: 'Remove a merchant', params: MidParams, response: noContent } },
    async (request, reply) => {
      const { mid } = request.params;
      if (mid === DEFAULT_MID) {
        throw new DefaultMerchant(DEFAULT_MID);
      }
      findMerchant(control, mid);
      await control.deleteMerchant(mid);
      return reply.code(204).send(null);
    },
  );
}

function findMerchant(control: Control, mid: string): Merchant {
  const merchant = control.merchant(mid);
  if (!merchant) throw new MerchantNotFound(mid);
  return merchant;
}

function view(m: Merchant) {
  return { mid: m.mid, webhookUrl: m.webhookUrl, secrets: m.secrets.map((s) => `whsec_…${s.slice(-4)}`), active: m.active };
}
