/**
 * The hamster-world MID API: register a merchant (a generated midId and API
 * key), look one up, list and page them, activate and deactivate. These are
 * the engine's merchants — the same as /api/admin/merchants.
 */
import { randomInt } from 'node:crypto';
import { Type } from 'typebox';
import { MidNotFound, ValidationFailed } from '../../errors.js';
import { Problem } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import { httpUrl } from '../../config.readers.js';
import type { MerchantRecord } from '../../merchants/merchant.js';
import type { ProfileDeps } from '../profile.js';
import { CreateMidRequest, MidParams, MidResponse, MidSearch, Page } from './hamster-world.schemas.js';
import { midResponse, page } from './hamster-world.views.js';

const DEFAULT_PAGE_SIZE = 10;

/** `MID_<epoch ms>_<4 digits>`, as the upstream mints them. */
export function newMidId(now: number): string {
  return `MID_${now}_${randomInt(1000, 10_000)}`;
}

export function registerHamsterWorldMids(app: HttpServer, deps: ProfileDeps): void {
  const { control } = deps;
  const find = (midId: string): MerchantRecord => {
    const merchant = control.merchant(midId);
    if (!merchant) throw new MidNotFound(midId);
    return merchant;
  };
  const search = (q: { midId?: string | undefined; merchantName?: string | undefined; isActive?: boolean | undefined }) =>
    control
      .merchants()
      .filter((m) => (q.midId ? m.mid.toLowerCase().includes(q.midId.toLowerCase()) : true))
      .filter((m) => (q.merchantName ? (m.name ?? m.mid).toLowerCase().includes(q.merchantName.toLowerCase()) : true))
      .filter((m) => (q.isActive === undefined ? true : m.active === q.isActive))
      // Newest first, as the upstream sorts by createdAt.
      .sort((a, b) => b.createdAt - a.createdAt || b.mid.localeCompare(a.mid));

  app.post(
    '/api/mid',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Register a merchant (MID): a new midId and API key',
        body: CreateMidRequest,
        response: { 201: MidResponse, 400: Problem, 413: Problem, 415: Problem },
      },
    },
    async (request, reply) => {
      const { merchantName, webhookUrl } = request.body;
      const url = httpUrl(webhookUrl);
      if (url === undefined) {
        throw new ValidationFailed('webhookUrl must be an absolute http:// or https:// URL', [
          { field: 'webhookUrl', message: 'must be an absolute http:// or https:// URL' },
        ]);
      }
      let midId = newMidId(Date.now());
      while (control.merchant(midId)) midId = newMidId(Date.now());
      await control.putMerchant({ mid: midId, webhookUrl: url, secrets: [], active: true, name: merchantName.trim() });
      deps.log.info({ mid: midId, merchantName }, 'merchant registered (hamster-world /api/mid)');
      return reply.code(201).send(midResponse(find(midId)));
    },
  );

  app.get(
    '/api/mid/list',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Merchants, newest first (filters: midId, merchantName, isActive)',
        querystring: MidSearch,
        response: { 200: Type.Array(MidResponse), 400: Problem },
      },
    },
    async (request) => search(request.query).map(midResponse),
  );

  app.get(
    '/api/mid/page',
    {
      schema: {
        tags: ['hamster-world'],
        summary: 'Merchants, a page at a time (a Spring Page; page from 0, size 10 by default)',
        querystring: MidSearch,
        response: { 200: Page(MidResponse), 400: Problem },
      },
    },
    async (request) => {
      const number = request.query.page ?? 0;
      const size = request.query.size ?? DEFAULT_PAGE_SIZE;
      const all = search(request.query);
      return page(all.slice(number * size, number * size + size).map(midResponse), all.length, number, size);
    },
  );

  app.get(
    '/api/mid/:midId',
    { schema: { tags: ['hamster-world'], summary: 'One merchant', params: MidParams, response: { 200: MidResponse, 404: Problem } } },
    async (request) => midResponse(find(request.params.midId)),
  );

  for (const [action, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    app.post(
      `/api/mid/:midId/${action}`,
      {
        schema: {
          tags: ['hamster-world'],
          summary: active ? 'Activate a merchant' : 'Deactivate a merchant (its payments are refused with 403)',
          params: MidParams,
          response: { 200: MidResponse, 404: Problem },
        },
      },
      async (request) => {
        const merchant = find(request.params.midId);
        if (merchant.active !== active) await control.putMerchant({ ...merchant, active });
        return midResponse(find(merchant.mid));
      },
    );
  }
}
