/**
 * What a contract asks of the store beyond the engine's own queries: the
 * latest payment of a merchant's order id, filtered pages with exact counts,
 * keyset cursors, pre-registrations and billing keys (contract.repository.ts).
 */
import type { PaymentProcess } from '../payments/payment.js';
import * as contract from './contract.repository.js';
import { StoreQueries } from './store.base.js';

export class ContractQueries extends StoreQueries {
  /** The latest payment a merchant made under its own order id, through a contract. */
  findByOrder(key: { profile: string; mid: string; orderId: string }): Promise<PaymentProcess | null> {
    return contract.findByOrder(this.o.database.db, key);
  }

  pageContractPayments(
    filter: contract.ContractFilter,
    page: { offset: number; limit: number; order: 'asc' | 'desc'; sortBy: 'requested' | 'status' },
  ): Promise<{ items: PaymentProcess[]; total: number }> {
    return contract.pageContractPayments(this.o.database.db, filter, page);
  }

  contractPaymentsAfter(filter: contract.ContractFilter, afterId: number, limit: number): Promise<PaymentProcess[]> {
    return contract.contractPaymentsAfter(this.o.database.db, filter, afterId, limit);
  }

  putPreRegistration(key: { profile: string; mid: string; orderId: string }, r: contract.PreRegistration): Promise<void> {
    return contract.putPreRegistration(this.o.database.db, key, r, this.o.clock());
  }

  findPreRegistration(key: { profile: string; mid: string; orderId: string }): Promise<contract.PreRegistration | null> {
    return contract.findPreRegistration(this.o.database.db, key);
  }

  insertBillingKey(k: Omit<contract.BillingKeyRecord, 'deletedAt'>): Promise<void> {
    return contract.insertBillingKey(this.o.database.db, k);
  }

  findBillingKey(billingKey: string): Promise<contract.BillingKeyRecord | null> {
    return contract.findBillingKey(this.o.database.db, billingKey);
  }

  deleteBillingKey(billingKey: string): Promise<boolean> {
    return contract.deleteBillingKey(this.o.database.db, billingKey, this.o.clock());
  }
}
