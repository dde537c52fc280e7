/**
 * The example of docs/embedding.md: hamster-pg inside a Vitest suite, as a
 * user would write it: import from 'hamster-pg', start it, script it, assert
 * on the webhooks your own receiver gets, stop it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHamsterPg, type HamsterPg } from 'hamster-pg';

// Your Cash Gateway's webhook endpoint (here: a tiny receiver that records bodies).
const received: Array<{ status: string; transactionId: string; code: string }> = [];
const receiver = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.end('OK');
  });
});

let pg: HamsterPg;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  pg = await startHamsterPg({
    webhookUrl: `http://127.0.0.1:${port}/api/webhook/pg/DUMMY`,
    seed: 42,
    scenarios: [{ name: 'limit', match: { orderId: 'ORD_LIMIT_*' }, effect: { outcome: 'FAILED', reason: 'LIMIT_EXCEEDED' } }],
  });
});

afterAll(async () => {
  await pg.stop();
  receiver.close();
});

test('a payment over the limit is declined with E004', async () => {
  const res = await fetch(`${pg.url}/api/payment`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ orderId: 'ORD_LIMIT_1', amount: 10000, echo: { mid: 'hamster_dummy_mid_001' } }),
  });
  expect(res.status).toBe(202);
  const { transactionId } = (await res.json()) as { transactionId: string };

  await pg.processNow(); // no waiting for the polling delay

  expect(received).toContainEqual(expect.objectContaining({ transactionId, status: 'FAILED', code: 'E004' }));
});
