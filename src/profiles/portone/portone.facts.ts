/**
 * What a PortOne payment request says that the engine does not model —
 * order name, currency, tax-free and VAT parts, the method's details, the
 * customer — read from the request and kept as the payment's `echo`. The
 * method comes first in the stored text, so lists can filter on it. Pure.
 */
import { cardFacts, type CardFacts } from './portone.cards.js';
import { invalidRequest, sumExceedsTotal } from './portone.errors.js';
import { boolean, instant, integer, isObject, object, oneOf, string, type Json } from './portone.input.js';

export type MethodType = 'CARD' | 'VIRTUAL_ACCOUNT';

export interface VirtualAccountFacts {
  bank: string;
  accountNumber: string;
  accountType: 'NORMAL' | 'FIXED';
  remitteeName: string | null;
  issuedAt: number;
  expiredAt: number;
}

export interface PortOneFacts {
  method: MethodType;
  orderName: string;
  currency: string;
  taxFree: number;
  vat: number | null;
  channelKey: string | null;
  customer: Json;
  customData?: string;
  card?: CardFacts & { installmentMonth: number };
  virtualAccount?: VirtualAccountFacts;
  billingKey?: string;
  isCulturalExpense?: boolean;
  country?: string;
  products?: unknown[];
  productCount?: number;
  productType?: string;
  promotionId?: string;
}

/** The filter prefix of a method in the stored `echo` text. */
export function echoPrefix(method: MethodType): string {
  return `{"method":"${method}"`;
}

export interface Amounts {
  total: number;
  taxFree: number;
  vat: number | null;
}

export function readAmount(body: Json): Amounts {
  const a = object(body, 'amount', true);
  const total = integer(a, 'total', true, 1, 'amount.total');
  const taxFree = integer(a, 'taxFree', false, 0, 'amount.taxFree') ?? 0;
  const vat = integer(a, 'vat', false, 0, 'amount.vat') ?? null;
  if (taxFree + (vat ?? 0) > total) throw sumExceedsTotal('amount.taxFree and amount.vat together exceed amount.total');
  return { total, taxFree, vat };
}

/** The order-level fields every payment request shares (payInstantly, payWithBillingKey). */
export function readOrder(body: Json): Omit<PortOneFacts, 'method' | 'taxFree' | 'vat'> & { customerId: string | null; noticeUrl: string | null } {
  const orderName = string(body, 'orderName', true);
  const currency = string(body, 'currency', true);
  if (!/^[A-Z]{3}$/.test(currency)) throw invalidRequest('currency must be an ISO 4217 code such as KRW');
  const customer = readCustomer(object(body, 'customer'));
  const noticeUrls = body.noticeUrls;
  if (noticeUrls !== undefined && (!Array.isArray(noticeUrls) || noticeUrls.some((u) => typeof u !== 'string' || !/^https?:\/\//.test(u)))) {
    throw invalidRequest('noticeUrls must be a list of http(s) URLs');
  }
  const facts: ReturnType<typeof readOrder> = {
    orderName,
    currency,
    channelKey: string(body, 'channelKey') ?? null,
    customer,
    customerId: typeof customer.id === 'string' ? customer.id : null,
    noticeUrl: Array.isArray(noticeUrls) && noticeUrls.length > 0 ? (noticeUrls[0] as string) : null,
  };
  const customData = string(body, 'customData');
  if (customData !== undefined) facts.customData = customData;
  const cultural = boolean(body, 'isCulturalExpense');
  if (cultural !== undefined) facts.isCulturalExpense = cultural;
  const country = string(body, 'country');
  if (country !== undefined) facts.country = country;
  if (Array.isArray(body.products)) facts.products = body.products;
  const productCount = integer(body, 'productCount');
  if (productCount !== undefined) facts.productCount = productCount;
  const productType = oneOf(body, 'productType', ['PHYSICAL', 'DIGITAL']);
  if (productType !== undefined) facts.productType = productType;
  const promotionId = string(body, 'promotionId');
  if (promotionId !== undefined) facts.promotionId = promotionId;
  return facts;
}

/** A card credential: the number (digits only), checked for shape. */
export function readCard(card: Json, at: string): { number: string; facts: CardFacts } {
  const credential = object(card, 'credential', true);
  const raw = string(credential, 'number', true, `${at}.credential.number`);
  const number = raw.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) throw invalidRequest(`${at}.credential.number must be 12 to 19 digits`);
  const month = string(credential, 'expiryMonth', true, `${at}.credential.expiryMonth`);
  const year = string(credential, 'expiryYear', true, `${at}.credential.expiryYear`);
  if (!/^(0?[1-9]|1[0-2])$/.test(month)) throw invalidRequest(`${at}.credential.expiryMonth must be 01 to 12`);
  if (!/^\d{2}(\d{2})?$/.test(year)) throw invalidRequest(`${at}.credential.expiryYear must be two or four digits`);
  return { number, facts: cardFacts(number) };
}

/** The customer as PortOne shows it: `name` is text here, where the request has {full} or {separated}. */
export function readCustomer(c: Json | undefined): Json {
  if (!c) return {};
  const out: Json = {};
  for (const key of ['id', 'birthYear', 'birthMonth', 'birthDay', 'gender', 'email', 'phoneNumber', 'zipcode'] as const) {
    const v = string(c, key, false, `customer.${key}`);
    if (v !== undefined) out[key] = v;
  }
  const name = object(c, 'name');
  if (name) {
    const full = string(name, 'full', false, 'customer.name.full');
    const separated = object(name, 'separated');
    if (full !== undefined) out.name = full;
    else if (separated) out.name = `${string(separated, 'last', true, 'customer.name.separated.last')}${string(separated, 'first', true, 'customer.name.separated.first')}`;
  }
  const address = object(c, 'address');
  if (address) {
    const line1 = string(address, 'addressLine1', true, 'customer.address.addressLine1');
    const line2 = string(address, 'addressLine2', true, 'customer.address.addressLine2');
    out.address = { type: 'SEPARATED', oneLine: `${line1} ${line2}`, addressLine1: line1, addressLine2: line2 };
    for (const key of ['city', 'province', 'country'] as const) {
      const v = string(address, key, false, `customer.address.${key}`);
      if (v !== undefined) (out.address as Json)[key] = v;
    }
  }
  return out;
}

/** When an account issued now stops taking deposits: `validHours` or `dueDate` (default: 7 days). */
export function readExpiry(va: Json, now: number): number {
  const expiry = object(va, 'expiry');
  if (!expiry) return now + 7 * 24 * 3_600_000;
  const hours = integer(expiry, 'validHours', false, 1, 'method.virtualAccount.expiry.validHours');
  const due = instant(expiry, 'dueDate', 'method.virtualAccount.expiry.dueDate');
  if (hours !== undefined) return now + hours * 3_600_000;
  if (due !== undefined) {
    if (due <= now) throw invalidRequest('method.virtualAccount.expiry.dueDate must be in the future');
    return due;
  }
  throw invalidRequest('method.virtualAccount.expiry needs validHours or dueDate');
}

export function isFacts(echo: unknown): echo is PortOneFacts {
  return isObject(echo) && (echo.method === 'CARD' || echo.method === 'VIRTUAL_ACCOUNT');
}
