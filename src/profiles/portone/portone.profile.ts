/**
 * PortOne V2, as its official server SDK (`@portone/server-sdk`) speaks it:
 * its own listener (the SDK drops any path of `baseUrl`), stores with API
 * and webhook secrets, card payments decided in the request, virtual
 * accounts paid later, partial cancellation, and Standard Webhooks signed
 * with the store's secret. Its generated types are the contract.
 */
import { Type } from 'typebox';
import { ConfigError } from '../../errors.js';
import { RETRY_PRESETS, scaleSchedule } from '../../webhooks/backoff.js';
import { defaultStore } from './portone.store.js';
import { PORTONE_COMPONENTS, portonePaths } from './portone.openapi.js';
import type { Profile, ProfileDeps, ProfileServer } from '../profile.js';
import { PROFILE, type PortOneContext } from './portone.context.js';
import { registerPortOneAids } from './portone.aids.routes.js';
import { registerPortOneBilling } from './portone.billing.routes.js';
import { registerPortOneManage } from './portone.manage.routes.js';
import { registerPortOnePay } from './portone.pay.routes.js';
import { registerPortOneReads } from './portone.read.routes.js';
import type { PortOneFacts } from './portone.facts.js';
import { createPortOneServer } from './portone.server.js';
import { webhookBody } from './portone.views.js';

const PortOneWebhook = Type.Object(
  {
    type: Type.Union(
      ['Transaction.Paid', 'Transaction.Failed', 'Transaction.VirtualAccountIssued', 'Transaction.PartialCancelled', 'Transaction.Cancelled'].map((t) => Type.Literal(t)),
    ),
    timestamp: Type.String({ format: 'date-time', description: 'When the event happened (the same on every retry)' }),
    data: Type.Object({
      paymentId: Type.String(),
      storeId: Type.String(),
      transactionId: Type.String(),
      cancellationId: Type.Optional(Type.String({ description: 'Transaction.Cancelled and Transaction.PartialCancelled' })),
    }),
  },
  { description: 'PortOne V2 webhook (version 2024-04-25), signed with the store’s secret (Standard Webhooks)' },
);

export const portoneProfile = {
  name: PROFILE,
  summary: 'PortOne V2 (as @portone/server-sdk speaks it), on its own port',
  webhookBody,
  webhookSchema: PortOneWebhook,
  /** The default store (portone.*) is a merchant; its webhooks go to portone.webhook.url, else the engine's URL. */
  merchants(config) {
    const { portone } = config;
    return [
      defaultStore({
        storeId: portone.storeId,
        apiSecret: portone.apiSecret,
        webhookUrl: portone.webhook.url ?? config.payment.webhook.url,
        webhookSecret: portone.webhook.secret,
      }),
    ];
  },
  /** PortOne's published schedule unless portone.webhook.retry.preset says engine; scaled as the engine's. */
  retryScheduleMs(config) {
    const preset = config.portone.webhook.retry.preset;
    return preset === 'engine' ? null : scaleSchedule(RETRY_PRESETS[preset], config.payment.webhook.retry.timeScale);
  },
  /** Its paths in /openapi.json, on its listener (the default port until it listens). */
  documentedPaths(url) {
    return { paths: portonePaths(url ?? 'http://127.0.0.1:8084'), components: PORTONE_COMPONENTS };
  },
  /** A virtual account decided at or after its expiry was not paid: it expired. */
  decide(payment, engine, now) {
    const va = (payment.echo as Partial<PortOneFacts> | null)?.virtualAccount;
    return va && now >= va.expiredAt ? { status: 'FAILED', reason: 'INSUFFICIENT_BALANCE' } : engine;
  },
  /** On the main listener: its test aid (the deposit). Its API is on its own listener (serve). */
  register(app, deps) {
    registerPortOneAids(app, deps);
  },
  serve(deps: ProfileDeps): ProfileServer {
    const app = createPortOneServer(deps.log, (secret) => deps.control.merchantByApiKey(secret));
    const ctx: PortOneContext = {
      ...deps,
      announceBillingKey: async (mid, billingKey, event) => {
        const store = deps.control.merchant(mid);
        if (!store) return;
        const at = new Date().toISOString();
        await deps.services.announceStoreEvent({
          profile: PROFILE,
          mid,
          url: store.webhookUrl,
          subject: billingKey,
          event: event === 'ISSUED' ? 'BILLING_KEY_ISSUED' : 'BILLING_KEY_DELETED',
          webhookId: `msg_${billingKey}_${event.toLowerCase()}`,
          payload: JSON.stringify({ type: event === 'ISSUED' ? 'BillingKey.Issued' : 'BillingKey.Deleted', timestamp: at, data: { billingKey, storeId: mid } }),
        });
      },
      depositAfterMs: deps.config.portone.virtualAccount.depositAfterMs,
      receiptUrl: (p) => {
        const base = deps.baseUrl();
        return base === null ? undefined : `${base}/dashboard/transaction.html?tid=${encodeURIComponent(p.tid)}`;
      },
    };
    registerPortOnePay(app, ctx);
    registerPortOneReads(app, ctx);
    registerPortOneManage(app, ctx);
    registerPortOneBilling(app, ctx);
    const { server } = deps.config;
    const port = deps.config.portone.server.port ?? (server.port === 0 ? 0 : server.port + 1);
    return {
      async listen() {
        try {
          await app.listen({ port, host: server.address });
        } catch (error) {
          if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
          throw new ConfigError(
            `Port ${port} on ${server.address}, for the PortOne API, is already in use — set portone.server.port ` +
              `(it is server.port + 1 unless set; e.g. --portone.server.port 9084, or 0 for a free port)`,
          );
        }
        const address = app.server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : port;
        const host = ['0.0.0.0', '::'].includes(server.address) ? '127.0.0.1' : server.address;
        return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      },
      close: () => app.close(),
      closeAllConnections: () => app.server.closeAllConnections(),
    };
  },
} as const satisfies Profile;
