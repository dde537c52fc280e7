/**
 * How a refused or scripted accept is answered, shared by every profile's
 * accept route: an unknown scenario, a merchant that cannot pay, a reused or
 * busy Idempotency-Key, and a scenario's scripted fault (an error status, a
 * request held open, or a well-formed ACK for a payment never stored).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import {
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
  MerchantInactive,
  ScenarioFault,
  UnknownScenario,
  ValidationFailed,
  type DomainError,
} from '../errors.js';
import type { Hangs } from '../http/hangs.js';
import type { AckFacts, AcceptRequest, AcceptResult } from '../payments/accept.service.js';
import { IDEMPOTENCY_HEADER, checkKey } from '../payments/idempotency.js';
import { makeTid, randomTidSuffix } from '../payments/ids.js';
import type { PaymentProcess } from '../payments/payment.js';
import { HEADER as SCENARIO_HEADER } from '../scenarios/scenario.js';

/**
 * What every accept request's headers ask, for the engine: its
 * Idempotency-Key (checked; the ACK to keep with it rendered by `ack`) and
 * the scenario rule it names (X-Hamster-Scenario).
 */
export function acceptOptions(
  headers: IncomingHttpHeaders,
  ack: (facts: AckFacts) => unknown,
): Pick<AcceptRequest, 'scenario' | 'idempotency'> {
  const checked = checkKey(headers[IDEMPOTENCY_HEADER]);
  if ('problem' in checked) {
    throw new ValidationFailed(`Idempotency-Key ${checked.problem}`, [{ field: 'Idempotency-Key', message: checked.problem }]);
  }
  const scenario = headers[SCENARIO_HEADER];
  return {
    scenario: typeof scenario === 'string' ? scenario : null,
    ...(checked.key === null ? {} : { idempotency: { key: checked.key, ackText: (facts: AckFacts) => JSON.stringify(ack(facts)) } }),
  };
}

/** An accept's answer: the contract's ACK, the text kept with its key, a replay of it, or a refusal. */
export function answerAccept(
  result: AcceptResult,
  reply: FastifyReply,
  how: Parameters<typeof answerRefusal>[2] & { ack: (payment: PaymentProcess) => unknown },
): FastifyReply {
  switch (result.kind) {
    case 'accepted':
      return reply.code(202).send(how.ack(result.payment));
    case 'accepted-with-key':
      return sendJsonText(reply, 202, result.text);
    case 'replayed':
      reply.header('idempotent-replayed', 'true');
      return sendJsonText(reply, result.code, result.body);
    default:
      return answerRefusal(result, reply, how);
  }
}

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
