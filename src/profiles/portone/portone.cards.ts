/**
 * Test cards: numbers whose outcome is fixed whatever the success rate, seed
 * or rules say — one that always approves and one per seed failure reason —
 * and what a card shows of itself (masked number, brand, BIN). The PG codes
 * and messages are modelled on Toss Payments' (the channel's PG). Pure.
 */
import type { FailReason, Outcome } from '../../payments/payment.js';

export const TEST_CARDS: ReadonlyArray<{ number: string; outcome: Outcome; says: string }> = [
  { number: '4242424242424242', outcome: { status: 'SUCCESS' }, says: 'always approved (VISA)' },
  { number: '5555555555554444', outcome: { status: 'SUCCESS' }, says: 'always approved (Mastercard)' },
  { number: '4000000000000002', outcome: { status: 'FAILED', reason: 'INVALID_CARD' }, says: 'always declined: invalid card' },
  { number: '4000000000009995', outcome: { status: 'FAILED', reason: 'INSUFFICIENT_BALANCE' }, says: 'always declined: insufficient balance' },
  { number: '4000000000000069', outcome: { status: 'FAILED', reason: 'EXPIRED_CARD' }, says: 'always declined: expired card' },
  { number: '4000000000006975', outcome: { status: 'FAILED', reason: 'LIMIT_EXCEEDED' }, says: 'always declined: limit exceeded' },
  { number: '4000000000000119', outcome: { status: 'FAILED', reason: 'SYSTEM_ERROR' }, says: 'always declined: a PG system error' },
];

const byNumber = new Map(TEST_CARDS.map((c) => [c.number, c.outcome]));

/** The fixed outcome of a test card; undefined for any other number (the engine decides). */
export function testCardOutcome(number: string): Outcome | undefined {
  return byNumber.get(digits(number));
}

export function digits(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** What the PG answers for each seed failure reason. */
export const PG_FAILURES: Readonly<Record<FailReason, { pgCode: string; pgMessage: string }>> = {
  INSUFFICIENT_BALANCE: { pgCode: 'NOT_ENOUGH_BALANCE', pgMessage: '잔액이 부족합니다.' },
  INVALID_CARD: { pgCode: 'INVALID_CARD_NUMBER', pgMessage: '카드번호를 다시 확인해주세요.' },
  EXPIRED_CARD: { pgCode: 'INVALID_CARD_EXPIRATION', pgMessage: '카드 유효기간이 만료되었습니다.' },
  LIMIT_EXCEEDED: { pgCode: 'EXCEED_MAX_AMOUNT', pgMessage: '카드 한도를 초과했습니다.' },
  SYSTEM_ERROR: { pgCode: 'PROVIDER_ERROR', pgMessage: '일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요.' },
};

export interface CardFacts {
  /** Masked: the first 6 and last 4 digits. */
  number: string;
  bin: string;
  brand: 'VISA' | 'MASTER' | 'AMEX' | 'JCB' | 'UNIONPAY' | 'LOCAL';
  type: 'CREDIT';
  ownerType: 'PERSONAL';
  publisher: string;
  issuer: string;
  name: string;
}

const BRANDS: ReadonlyArray<[RegExp, CardFacts['brand'], string]> = [
  [/^4/, 'VISA', '비자'],
  [/^5[1-5]/, 'MASTER', '마스터'],
  [/^3[47]/, 'AMEX', '아멕스'],
  [/^35/, 'JCB', 'JCB'],
  [/^62/, 'UNIONPAY', '은련'],
];

export function cardFacts(number: string): CardFacts {
  const n = digits(number);
  const [, brand, label] = BRANDS.find(([re]) => re.test(n)) ?? [null, 'LOCAL' as const, '국내'];
  return {
    number: `${n.slice(0, 6)}${'*'.repeat(Math.max(0, n.length - 10))}${n.slice(-4)}`,
    bin: n.slice(0, 6),
    brand,
    type: 'CREDIT',
    ownerType: 'PERSONAL',
    publisher: 'HAMSTER',
    issuer: 'HAMSTER',
    name: `햄스터 ${label} 테스트카드`,
  };
}
