/**
 * The upstream hamster-pg service's later contract, which the hamster-world
 * Cash Gateway speaks: `POST /api/payment-process` with `midId`, webhooks
 * with `tid` and `COMPLETED`/`FAILED`/`CANCELLED` to each MID's own URL,
 * the MID API, and the process and payment views.
 */
import type { Profile } from '../profile.js';
import { registerHamsterWorldMids } from './hamster-world.mid.routes.js';
import { registerHamsterWorldPayments } from './hamster-world.payment.routes.js';
import { HamsterWorldWebhook } from './hamster-world.schemas.js';
import { webhookBody } from './hamster-world.views.js';

export const hamsterWorldProfile = {
  name: 'hamster-world',
  summary: 'The upstream hamster-pg contract of the hamster-world Cash Gateway (POST /api/payment-process)',
  webhookBody,
  webhookSchema: HamsterWorldWebhook,
  register(app, deps) {
    registerHamsterWorldMids(app, deps);
    registerHamsterWorldPayments(app, deps);
  },
} as const satisfies Profile;
