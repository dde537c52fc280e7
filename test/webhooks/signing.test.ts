/**
 * Our signer checked by an independent verifier: the `standardwebhooks`
 * package, as a receiver would use it.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { secretKey, signedHeaders, webhookIdFor } from '../../src/webhooks/signing.js';

const secretA = `whsec_${Buffer.from('hamster-pg test secret number one!').toString('base64')}`;
const secretB = `whsec_${Buffer.from('and a second one, for rotation...').toString('base64')}`;
const payload = JSON.stringify({ status: 'SUCCESS', code: '0000', transactionId: 'DUMMY_20260205_12345678' });

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks package', () => {
    const headers = signedHeaders([secretKey(secretA)], 'msg_abc_success', Date.now(), payload);
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('msg_abc_success');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secretA).verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it('carry one v1 signature per secret, so either key verifies during a rotation', () => {
    const headers = signedHeaders([secretKey(secretA), secretKey(secretB)], 'msg_x', Date.now(), payload);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(secretA).verify(payload, headers)).not.toThrow();
    expect(() => new Webhook(secretB).verify(payload, headers)).not.toThrow();
    const stranger = `whsec_${Buffer.from('somebody else entirely, not us!!').toString('base64')}`;
    expect(() => new Webhook(stranger).verify(payload, headers)).toThrow(/No matching signature/);
  });

  it('fail verification when the body, the id or the timestamp was changed', () => {
    const headers = signedHeaders([secretKey(secretA)], 'msg_y', Date.now(), payload);
    const verifier = new Webhook(secretA);
    expect(() => verifier.verify(payload.replace('SUCCESS', 'FAILED'), headers)).toThrow();
    expect(() => verifier.verify(payload, { ...headers, 'webhook-id': 'msg_z' })).toThrow();
    expect(() => verifier.verify(payload, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow();
  });

  it('are absent when no secret is configured, as in the seed', () => {
    expect(signedHeaders([], 'msg_y', Date.now(), payload)).toEqual({});
  });

  it('use one webhook-id per announced event', () => {
    expect(webhookIdFor('0SMgrTPiTeC', 'SUCCESS')).toBe('msg_0SMgrTPiTeC_success');
    expect(webhookIdFor('0SMgrTPiTeC', 'FAILED')).not.toBe(webhookIdFor('0SMgrTPiTeC', 'SUCCESS'));
  });
});
