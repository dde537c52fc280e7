/**
 * How a refused or scripted accept is answered, shared by every profile's
 * accept route: an unknown scenario, a merchant that cannot pay, a reused or
 * busy Idempotency-Key, and a scenario's scripted fault (an error status, a
 * request held open, or a well-formed ACK for a payment never stored).
 */
import type { FastifyReply } from 'fastify';
import {
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
  MerchantInactive,
  ScenarioFault,
  UnknownScenario,
  type DomainError,
} from '../errors.js';
import type { Hangs } from '../http/hangs.js';
import type { AcceptResult } from '../payments/accept.service.js';
import { makeTid, randomTidSuffix } from '../payments/ids.js';

export type Refusal = Exclude<AcceptResult, { kind: 'accepted' | 'accepted-with-key' | 'replayed' }>;

export function answerRefusal(
  result: Refusal,
  reply: FastifyReply,
  how: {
    hangs: Hangs;
    /** The contract's error for a MID nobody registered. */
    unknownMerchant: (mid: string) => DomainError;
    /** The contract's ACK for a payment that will never exist (`lose`). */
    lostAck: (tid: string) => unknown;
  },
): FastifyReply {
  switch (result.kind) {
    case 'unknown-scenario':
      throw new UnknownScenario(result.name);
    case 'refused':
      throw result.why === 'unknown' ? how.unknownMerchant(result.mid) : new MerchantInactive(result.mid);
    case 'key-reused':
      throw new IdempotencyKeyReused();
    case 'key-in-use':
      reply.header('retry-after', '1');
      throw new IdempotencyKeyInUse();
    case 'fault': {
      const { fault } = result;
      if (fault.kind === 'fail') {
        if (fault.status !== 500) reply.header('retry-after', '1');
        throw new ScenarioFault(result.rule, fault.status);
      }
      if (fault.kind === 'timeout') {
        reply.hijack();
        how.hangs.hold(reply.raw, fault.ms);
        return reply;
      }
      // lose: a well-formed ACK for a payment that is never stored.
      return reply.code(202).send(how.lostAck(makeTid(Date.now(), randomTidSuffix())));
    }
  }
}

/**
 * Sends JSON text exactly as stored, so a replayed response is byte for byte
 * the first one. (Fastify sends a string with a JSON content type unchanged;
 * the cast only tells the type provider so.)
 */
export function sendJsonText(reply: FastifyReply, code: number, text: string): FastifyReply {
  return reply.code(code).type('application/json; charset=utf-8').send(text as never);
}
