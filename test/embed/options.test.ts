/**
 * startHamsterPg checks what it is given, as the configuration file is
 * checked: a misspelt option or setting stops it with the nearest right
 * name, instead of being ignored (webhooks would go to the default URL).
 */
import { describe, expect, it } from 'vitest';
import { startHamsterPg } from '../../src/embed.js';
import { ConfigError } from '../../src/errors.js';

describe('startHamsterPg options', () => {
  it('refuses an unknown option, naming the one meant', async () => {
    const wrong = startHamsterPg({ webhookURL: 'http://127.0.0.1:9/x' } as never);
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(startHamsterPg({ webhookURL: 'http://127.0.0.1:9/x' } as never)).rejects.toThrow(
      'Unknown option webhookURL for startHamsterPg (did you mean webhookUrl?)',
    );
  });

  it('refuses an unknown settings key, naming the one meant', async () => {
    await expect(startHamsterPg({ settings: { 'payment.webhook.urll': 'http://127.0.0.1:9/x' } as never })).rejects.toThrow(
      'Unknown setting payment.webhook.urll (did you mean payment.webhook.url?)',
    );
  });

  it('refuses a wrong value with the configuration’s own message', async () => {
    await expect(startHamsterPg({ successRate: 150 })).rejects.toThrow(
      'Invalid value for payment.process.success-rate (from code): 150 — allowed: a number from 0 to 100',
    );
  });

  it('still starts with what it knows', async () => {
    const pg = await startHamsterPg({ polling: false, settings: { 'payment.webhook.retry.schedule': '0,100ms' } });
    try {
      expect((await fetch(`${pg.url}/health`)).status).toBe(200);
    } finally {
      await pg.stop();
    }
  });
});
