import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_KEYS, envName } from '../src/config.keys.js';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { tempDir } from './setup/tmp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

const load = (o: Parameters<typeof loadConfig>[0] = {}) => loadConfig({ cwd: dir.path, env: {}, ...o });

describe('configuration', () => {
  it('defaults to the seed’s values', () => {
    const { config, file } = load();
    expect(file).toBeNull();
    expect(config).toEqual({
      server: { port: 8083, workers: 1, address: '127.0.0.1', workerId: null, cors: { origins: [] } },
      database: { url: './data/hamster-pg.db', poolSize: 10, preparedStatements: true },
      payment: {
        webhook: {
          url: 'http://127.0.0.1:8082/api/webhook/pg/DUMMY',
          timeoutMs: 5000,
          concurrency: 64,
          secrets: [],
          retry: {
            scheduleMs: [0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
            jitterPercent: 10,
            preset: 'default',
            timeScale: 1,
          },
        },
        process: {
          polling: { enabled: true, fixedDelayMs: 3000, initialDelayMs: 5000, batchSize: 10 },
          successRate: 80,
          randomSeed: null,
          leaseMs: 30_000,
        },
        idempotency: { ttlMs: 86_400_000 },
        merchant: { unknownMid: 'refuse' },
      },
      scenarios: null,
      merchants: [],
      portone: {
        server: { port: null },
        storeId: 'store-hamster-pg-test',
        apiSecret: 'hamster-pg-portone-test-api-secret',
        webhook: { url: null, secret: 'whsec_aGFtc3Rlci1wZyBwb3J0b25lIHdlYmhvb2sgdGVzdCE=', retry: { preset: 'portone' } },
        virtualAccount: { depositAfterMs: 10_000 },
      },
      admin: { token: null, allowDataReset: false },
      logging: { level: 'info' },
    });
    expect(Object.isFrozen(config.payment.process.polling)).toBe(true);
  });

  it('maps every key to its environment variable by one rule', () => {
    expect(envName('server.port')).toBe('SERVER_PORT');
    expect(envName('payment.process.polling.fixed-delay')).toBe('PAYMENT_PROCESS_POLLING_FIXED_DELAY');
    expect(envName('payment.process.random-seed')).toBe('PAYMENT_PROCESS_RANDOM_SEED');
    expect(CONFIG_KEYS.map(envName)).toContain('DATABASE_URL');
  });

  it('takes flags over environment over application.yml over defaults', () => {
    writeFileSync(
      join(dir.path, 'application.yml'),
      'server:\n  port: 9001\n  address: 0.0.0.0\npayment:\n  process:\n    polling:\n      enabled: false\n      fixed-delay: 250\n    success-rate: 55\n',
    );
    const { config, file } = load({
      env: { SERVER_PORT: '9002', PAYMENT_PROCESS_SUCCESS_RATE: '60' },
      flags: { 'server.port': '9003' },
    });
    expect(file).toBe(join(dir.path, 'application.yml'));
    expect(config.server.port).toBe(9003); // flag
    expect(config.payment.process.successRate).toBe(60); // env over file
    expect(config.server.address).toBe('0.0.0.0'); // file over default
    expect(config.payment.process.polling.enabled).toBe(false);
    expect(config.payment.process.polling.fixedDelayMs).toBe(250);
    expect(config.payment.process.polling.initialDelayMs).toBe(5000); // default
  });

  it('reads an explicit --config file, and stops when it is missing', () => {
    writeFileSync(join(dir.path, 'other.yaml'), 'payment:\n  webhook:\n    url: https://example.test/hook\n');
    expect(load({ configFile: 'other.yaml' }).config.payment.webhook.url).toBe('https://example.test/hook');
    expect(() => load({ configFile: 'missing.yml' })).toThrow(/Configuration file not found: .*missing\.yml/);
  });

  it('accepts durations with units and seeds as text', () => {
    const { config } = load({
      env: { PAYMENT_PROCESS_POLLING_FIXED_DELAY: '2s', PAYMENT_PROCESS_POLLING_INITIAL_DELAY: '0', PAYMENT_PROCESS_RANDOM_SEED: 'abc' },
    });
    expect(config.payment.process.polling.fixedDelayMs).toBe(2000);
    expect(config.payment.process.polling.initialDelayMs).toBe(0);
    expect(config.payment.process.randomSeed).toBe('abc');
  });

  it.each([
    ['SERVER_PORT', '70000', 'server.port', 'an integer from 0 to 65535'],
    ['SERVER_PORT', 'eighty', 'server.port', 'an integer'],
    ['PAYMENT_PROCESS_SUCCESS_RATE', '120', 'payment.process.success-rate', 'a number from 0 to 100'],
    ['PAYMENT_PROCESS_POLLING_ENABLED', 'yes', 'payment.process.polling.enabled', 'true or false'],
    ['PAYMENT_PROCESS_POLLING_BATCH_SIZE', '0', 'payment.process.polling.batch-size', 'an integer from 1 to 10000'],
    ['PAYMENT_PROCESS_POLLING_FIXED_DELAY', '0', 'payment.process.polling.fixed-delay', 'a duration from 1ms'],
    ['PAYMENT_WEBHOOK_URL', 'ftp://x/y', 'payment.webhook.url', 'an absolute http:// or https:// URL'],
    ['LOGGING_LEVEL', 'loud', 'logging.level', 'fatal, error, warn, info'],
  ])('refuses %s=%s naming the key, the value, its source and what is allowed', (env, value, key, allowed) => {
    let error: unknown;
    try {
      load({ env: { [env]: value } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(key);
    expect(message).toContain(JSON.stringify(value));
    expect(message).toContain(`from ${env}`);
    expect(message).toContain(allowed);
  });

  it('refuses a bad value from the file and from a flag the same way', () => {
    writeFileSync(join(dir.path, 'application.yml'), 'payment:\n  process:\n    success-rate: lots\n');
    expect(() => load()).toThrow(/payment\.process\.success-rate \(from .*application\.yml\): "lots"/);
    expect(() => load({ flags: { 'server.port': '-1' } })).toThrow(/server\.port \(from --server\.port\): "-1"/);
  });

  it('stops on a file that is not YAML or not a mapping', () => {
    writeFileSync(join(dir.path, 'application.yml'), 'server: [unclosed\n');
    expect(() => load()).toThrow(/not valid YAML/);
    writeFileSync(join(dir.path, 'application.yml'), '- a\n- b\n');
    expect(() => load()).toThrow(/must hold a mapping/);
  });

  it('warns about unknown keys in its own sections and suggests the likely one', () => {
    writeFileSync(
      join(dir.path, 'application.yml'),
      'payment:\n  process:\n    sucess-rate: 10\nspring:\n  application:\n    name: other-tool\n',
    );
    const { warnings, config } = load();
    expect(config.payment.process.successRate).toBe(80);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unknown key payment\.process\.sucess-rate .*did you mean payment\.process\.success-rate/);
  });

  it('reads lists from YAML or as comma-separated text: retry schedule and secrets', () => {
    const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    expect(load({ env: { PAYMENT_WEBHOOK_RETRY_SCHEDULE: '0, 1s,1m 1h,1d' } }).config.payment.webhook.retry.scheduleMs).toEqual([
      0, 1000, 60_000, 3_600_000, 86_400_000,
    ]);
    expect(load({ env: { PAYMENT_WEBHOOK_SECRET: `${secret},${other}` } }).config.payment.webhook.secrets).toEqual([secret, other]);
    writeFileSync(
      join(dir.path, 'application.yml'),
      `payment:\n  webhook:\n    secret: [${secret}]\n    retry:\n      schedule: [0, 2s, 10s]\n`,
    );
    const { config } = load();
    expect(config.payment.webhook.retry.scheduleMs).toEqual([0, 2000, 10_000]);
    expect(config.payment.webhook.secrets).toEqual([secret]);
  });

  it.each([
    ['PAYMENT_WEBHOOK_SECRET', 'not-a-secret'],
    ['PAYMENT_WEBHOOK_SECRET', 'whsec_c2hvcnQ='], // base64 of 5 bytes: too short
    ['PAYMENT_WEBHOOK_SECRET', 'whsec_!!!!'],
    ['PAYMENT_WEBHOOK_RETRY_SCHEDULE', '0,soon'],
    ['PAYMENT_WEBHOOK_RETRY_SCHEDULE', '0,8d'],
    ['PAYMENT_WEBHOOK_RETRY_JITTER', '101'],
    ['PAYMENT_PROCESS_LEASE', '10ms'],
    ['PAYMENT_IDEMPOTENCY_TTL', '31d'],
  ])('refuses %s=%s', (env, value) => {
    expect(() => load({ env: { [env]: value } })).toThrow(new RegExp(`from ${env}\\): ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('accepts PostgreSQL URLs and refuses other schemes with a clear message', () => {
    expect(load({ env: { DATABASE_URL: 'postgres://u:p@db:5432/pg' } }).config.database.url).toBe('postgres://u:p@db:5432/pg');
    expect(load({ env: { DATABASE_URL: 'postgresql://db/pg', DATABASE_POOL_SIZE: '25' } }).config.database.poolSize).toBe(25);
    expect(() => load({ env: { DATABASE_URL: 'mysql://db/x' } })).toThrow(/allowed: a SQLite file path, :memory:, or postgres:\/\//);
    expect(() => load({ env: { DATABASE_POOL_SIZE: '0' } })).toThrow(/database\.pool-size/);
    expect(load({ env: { DATABASE_PREPARED_STATEMENTS: 'false' } }).config.database.preparedStatements).toBe(false);
    expect(() => load({ env: { DATABASE_PREPARED_STATEMENTS: 'sometimes' } })).toThrow(/database\.prepared-statements/);
  });

  it('treats an empty environment variable as unset', () => {
    expect(load({ env: { SERVER_PORT: '' } }).config.server.port).toBe(8083);
  });
});
