/**
 * How the PortOne contract shows a payment: the SDK's `Payment` union
 * (discriminated by `status`), with every field its generated types mark
 * required, and the webhook body it sends (the 2024-04-25 format). Pure.
 */
import type { Cancellation, EventContext, EventStatus, PaymentProcess } from '../../payments/payment.js';
import { PG_FAILURES } from './portone.cards.js';
import { isFacts, type PortOneFacts } from './portone.facts.js';
import { PORTONE_MERCHANT_ID } from './portone.store.js';

export const PORTONE_STATUSES = ['READY', 'PAY_PENDING', 'VIRTUAL_ACCOUNT_ISSUED', 'PAID', 'FAILED', 'PARTIAL_CANCELLED', 'CANCELLED'] as const;
export type PortOneStatus = (typeof PORTONE_STATUSES)[number];

const iso = (ms: number) => new Date(ms).toISOString();

/** The one channel every store has: a test channel of the TOSSPAYMENTS PG. */
export const CHANNEL = {
  type: 'TEST',
  id: 'channel-id-hamster-pg',
  key: 'channel-key-hamster-pg',
  name: 'hamster-pg',
  pgProvider: 'TOSSPAYMENTS',
  pgMerchantId: 'hamster-pg',
} as const;

export function factsOf(p: PaymentProcess): PortOneFacts {
  if (!isFacts(p.echo)) throw new Error(`Payment ${p.tid} was not taken through the PortOne contract`);
  return p.echo;
}

/** The engine's status in PortOne's words: a payment not yet decided is a virtual account waiting, or (briefly) a card pending. */
export function portoneStatus(p: PaymentProcess): PortOneStatus {
  switch (p.status) {
    case 'PENDING':
    case 'PROCESSING':
      return factsOf(p).method === 'VIRTUAL_ACCOUNT' ? 'VIRTUAL_ACCOUNT_ISSUED' : 'PAY_PENDING';
    case 'SUCCESS':
      return p.cancelledAmount > 0 ? 'PARTIAL_CANCELLED' : 'PAID';
    case 'FAILED':
      return 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
  }
}

/** PortOne's pgTxId: the PG's own id of the transaction. */
export function pgTxId(p: PaymentProcess): string {
  return `pg_${p.tid}`;
}

/** What the PG says of a payment that failed: an unpaid virtual account expired or was closed; a card was declined. */
export function failure(p: PaymentProcess): { reason: string; pgCode: string; pgMessage: string } {
  const facts = factsOf(p);
  if (facts.method === 'VIRTUAL_ACCOUNT') {
    return p.decidedBy === 'trigger'
      ? { reason: '가상계좌가 말소되었습니다.', pgCode: 'VIRTUAL_ACCOUNT_CLOSED', pgMessage: '가상계좌가 말소되었습니다.' }
      : { reason: '입금 기한이 지나 가상계좌가 만료되었습니다.', pgCode: 'VIRTUAL_ACCOUNT_EXPIRED', pgMessage: '입금 기한이 지났습니다.' };
  }
  const pg = PG_FAILURES[p.failReason ?? 'SYSTEM_ERROR'];
  return { reason: pg.pgMessage, ...pg };
}

export interface ViewContext {
  /** The payment's cancellations, oldest first. */
  cancellations: readonly Cancellation[];
  /** Where its receipt can be seen (the dashboard's page for it), when known. */
  receiptUrl?: string;
}

export function paymentView(p: PaymentProcess, ctx: ViewContext): Record<string, unknown> {
  const facts = factsOf(p);
  const status = portoneStatus(p);
  const statusChangedAt = p.cancelledAt ?? p.processedAt ?? p.requestedAt;
  const paid = p.status === 'SUCCESS' || p.status === 'CANCELLED';
  const cancelledTaxFree = ctx.cancellations.reduce((sum, c) => sum + c.taxFreeAmount, 0);
  const vat = facts.vat ?? Math.round((p.amount - facts.taxFree) / 11);
  const view: Record<string, unknown> = {
    status,
    id: p.orderId,
    transactionId: p.tid,
    merchantId: PORTONE_MERCHANT_ID,
    storeId: p.mid,
    method: method(facts, p),
    channel: { ...CHANNEL, key: facts.channelKey ?? CHANNEL.key },
    version: 'V2',
    requestedAt: iso(p.requestedAt),
    updatedAt: iso(Math.max(p.requestedAt, p.processedAt ?? 0, p.cancelledAt ?? 0, p.webhookSentAt ?? 0)),
    statusChangedAt: iso(statusChangedAt),
    orderName: facts.orderName,
    amount: {
      total: p.amount,
      taxFree: facts.taxFree,
      vat,
      supply: p.amount - facts.taxFree - vat,
      discount: 0,
      paid: paid ? p.amount : 0,
      cancelled: p.cancelledAmount,
      cancelledTaxFree,
    },
    currency: facts.currency,
    customer: facts.customer,
    isCulturalExpense: facts.isCulturalExpense ?? false,
  };
  if (facts.billingKey) view.billingKey = facts.billingKey;
  if (facts.customData !== undefined) view.customData = facts.customData;
  if (facts.country !== undefined) view.country = facts.country;
  if (facts.products !== undefined) view.products = facts.products;
  if (facts.productCount !== undefined) view.productCount = facts.productCount;
  if (facts.promotionId !== undefined) view.promotionId = facts.promotionId;
  if (status !== 'FAILED') view.pgTxId = pgTxId(p);
  if (paid) {
    view.paidAt = iso(p.processedAt ?? p.requestedAt);
    if (ctx.receiptUrl) view.receiptUrl = ctx.receiptUrl;
  }
  if (status === 'PAID') view.disputes = [];
  if (status === 'PAID' || status === 'PARTIAL_CANCELLED' || status === 'CANCELLED') {
    view.cancellations = ctx.cancellations.map(cancellationView);
  }
  if (status === 'PARTIAL_CANCELLED' || status === 'CANCELLED') view.cancelledAt = iso(p.cancelledAt ?? statusChangedAt);
  if (status === 'FAILED') {
    view.failedAt = iso(p.processedAt ?? p.requestedAt);
    view.failure = failure(p);
  }
  return view;
}

function method(facts: PortOneFacts, p: PaymentProcess): Record<string, unknown> {
  if (facts.method === 'VIRTUAL_ACCOUNT') {
    const va = facts.virtualAccount!;
    return {
      type: 'PaymentMethodVirtualAccount',
      bank: va.bank,
      accountNumber: va.accountNumber,
      accountType: va.accountType,
      ...(va.remitteeName === null ? {} : { remitteeName: va.remitteeName }),
      expiredAt: iso(va.expiredAt),
      issuedAt: iso(va.issuedAt),
    };
  }
  const card = facts.card!;
  const { installmentMonth, ...shown } = card;
  return {
    type: 'PaymentMethodCard',
    card: shown,
    ...(p.approvalNo === null ? {} : { approvalNumber: p.approvalNo }),
    ...(installmentMonth > 0 ? { installment: { month: installmentMonth, isInterestFree: false } } : {}),
    pointUsed: false,
  };
}

export function cancellationView(c: Cancellation): Record<string, unknown> {
  const vat = c.vatAmount ?? Math.round((c.amount - c.taxFreeAmount) / 11);
  return {
    status: 'SUCCEEDED',
    id: c.id,
    pgCancellationId: `pg_${c.id}`,
    totalAmount: c.amount,
    taxFreeAmount: c.taxFreeAmount,
    vatAmount: vat,
    reason: c.reason ?? '',
    cancelledAt: iso(c.cancelledAt),
    requestedAt: iso(c.cancelledAt),
    trigger: 'API',
  };
}

const WEBHOOK_TYPES: Readonly<Record<EventStatus, string>> = {
  SUCCESS: 'Transaction.Paid',
  FAILED: 'Transaction.Failed',
  ISSUED: 'Transaction.VirtualAccountIssued',
  PARTIAL_CANCELLED: 'Transaction.PartialCancelled',
  CANCELLED: 'Transaction.Cancelled',
};

/**
 * The webhook (version 2024-04-25): its type, when the event happened (the
 * same on every retry) and the ids to look the payment up by.
 */
export function webhookBody(p: PaymentProcess, event: EventStatus, context?: EventContext): string {
  const cancellation = context?.cancellation;
  const at =
    event === 'ISSUED' ? (factsOf(p).virtualAccount?.issuedAt ?? p.requestedAt) : cancellation ? cancellation.cancelledAt : event === 'CANCELLED' ? (p.cancelledAt ?? p.requestedAt) : (p.processedAt ?? p.requestedAt);
  const data: Record<string, string> = { paymentId: p.orderId, storeId: p.mid ?? '', transactionId: p.tid };
  if (event === 'CANCELLED' || event === 'PARTIAL_CANCELLED') data.cancellationId = cancellation?.id ?? '';
  return JSON.stringify({ type: WEBHOOK_TYPES[event], timestamp: iso(at), data });
}
