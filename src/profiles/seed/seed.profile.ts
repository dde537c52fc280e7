/**
 * The seed document's contract: `POST /api/payment` answered `202` with the
 * seed's ACK, the transaction view, the test aids (trigger, re-send, cancel,
 * the webhook log — they work for every profile's payments), and the seed's
 * webhook bodies.
 */
import type { Profile } from '../profile.js';
import { registerSeedAids } from './seed.aids.routes.js';
import { registerSeedRoutes } from './seed.routes.js';
import { SeedWebhook } from './seed.schemas.js';
import { webhookBody } from './seed.webhook.js';

export const seedProfile = {
  name: 'seed',
  summary: "The seed document's payment-process contract (POST /api/payment)",
  webhookBody: (payment, event, context) => JSON.stringify(webhookBody({ ...payment, status: event }, context)),
  webhookSchema: SeedWebhook,
  register(app, deps) {
    registerSeedRoutes(app, deps);
    registerSeedAids(app, deps);
  },
} as const satisfies Profile;
