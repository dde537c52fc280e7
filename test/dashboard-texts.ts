/**
 * What the dashboard's browser tests share: Chromium, the wait, emptying the
 * service between languages, and — one table per language — the words the
 * dashboard shows. The tables are written here, not read from the dashboard's
 * catalogs, so a wrong or missing message fails the tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import type { TestApp } from './setup/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const WAIT = { timeout: 10_000 };
/** Every browser test runs in both languages, each in its own context, with ?lang= in the page's URL. */
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The dashboard tests need Chromium at ${CHROMIUM}, which is missing (install it, e.g. apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Empties the service (its store and its receiver's log) so the next language starts where the first did.
 * The service must run with `admin.allow-data-reset: true`.
 */
export async function emptyService(t: TestApp, token?: string): Promise<void> {
  const res = await fetch(`${t.url}/api/admin/data`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(204);
  t.receiver.requests.length = 0;
}

const en = {
  // The list
  noPaymentsYet: 'No payments yet.',
  loadingPayments: 'Loading payments…',
  status: 'Status',
  contract: 'Contract',
  orderIdStartsWith: 'Order ID starts with',
  apply: 'Apply',
  clear: 'Clear',
  // A transaction
  stepSucceeded: 'Succeeded',
  stepCancelled: 'Cancelled',
  stepPartlyCancelled: 'Partly cancelled',
  resendWebhook: 'Resend webhook',
  webhookResent: 'Webhook re-sent',
  cancel: 'Cancel',
  triggerSuccess: 'Trigger SUCCESS',
  triggerFailed: 'Trigger FAILED',
  deposit: 'Deposit',
  deposited: 'Deposited: the virtual account is paid',
  confirmAll: (tid: string) => `Cancel all that is left of ${tid}`,
  confirmPart: /Cancel 3.?000 of /,
  keepIt: 'Keep it',
  yesCancel: 'Yes, cancel',
  cancelledAll: 'Cancelled: the payment is CANCELLED',
  cancelledPart: 'PARTIAL_CANCELLED webhook is on its way',
  remaining: 'Remaining',
  amountToCancel: 'Amount to cancel',
  failureReason: 'Failure reason',
  finalizedFailed: (reason: string) => `Finalized as FAILED (${reason})`,
  actionFailed: (action: string, detail: string) => `${action} failed: ${detail}`,
  // New test payment
  newTestPayment: 'New test payment',
  amount: 'Amount',
  orderId: 'Order ID',
  scenarioRule: 'Scenario rule (X-Hamster-Scenario)',
  sendPayment: 'Send payment',
  accepted: 'Accepted:',
  // Scenario rules
  scenarioRules: 'Scenario rules',
  rulesEditor: /^Rules \(JSON list/,
  saveRules: 'Save rules',
  reload: 'Reload',
  notSaved: 'Not saved:',
  saved: (n: number) => `Saved: ${n} rule${n === 1 ? '' : 's'}, in force at once.`,
  adminToken: 'Admin token (admin.token)',
  tokenNeeded: 'admin.token is set',
  // The webhook inspector
  deadDeliveries: 'Dead deliveries',
  tidOrSubject: 'TID or subject',
  resend: 'Resend',
  deliveredHttp200: 'delivered (HTTP 200)',
  resendAll: (n: number, state: string) => `Resend all ${n} ${state}`,
  requeued: (n: number, state: string) => `Requeued ${n} ${state} deliveries`,
  noDeliveries: 'No deliveries match.',
  // The page
  title: 'hamster-pg dashboard',
  skipLink: 'Skip to content',
  navPayments: 'Payments',
  navWebhooks: 'Webhooks',
  live: 'Live',
  transaction: 'Transaction',
};

export type Texts = typeof en;

const ko: Texts = {
  noPaymentsYet: '아직 결제가 없습니다.',
  loadingPayments: '결제 내역을 불러오는 중…',
  status: '상태',
  contract: '연동 규격',
  orderIdStartsWith: '주문번호 (앞부분 일치)',
  apply: '적용',
  clear: '초기화',
  stepSucceeded: '결제 성공',
  stepCancelled: '결제 취소',
  stepPartlyCancelled: '부분 취소',
  resendWebhook: '웹훅 재전송',
  webhookResent: '웹훅을 재전송했습니다',
  cancel: '결제 취소',
  triggerSuccess: 'SUCCESS 트리거',
  triggerFailed: 'FAILED 트리거',
  deposit: '입금',
  deposited: '입금했습니다: 가상계좌 입금이 완료되었습니다',
  confirmAll: (tid: string) => `${tid} 결제의 남은 금액 전부`,
  confirmPart: /3.?000만큼 부분 취소할까요\?/,
  keepIt: '아니요, 유지합니다',
  yesCancel: '네, 취소합니다',
  cancelledAll: '취소했습니다: 결제가 CANCELLED 상태가 되었고',
  cancelledPart: 'PARTIAL_CANCELLED 웹훅을 보내는 중입니다',
  remaining: '남은 금액',
  amountToCancel: '취소 금액',
  failureReason: '실패 사유',
  finalizedFailed: (reason: string) => `FAILED로 확정했습니다 (${reason})`,
  actionFailed: (action: string, detail: string) => `${action} 실패: ${detail}`,
  newTestPayment: '테스트 결제 보내기',
  amount: '금액',
  orderId: '주문번호',
  scenarioRule: '시나리오 규칙 (X-Hamster-Scenario)',
  sendPayment: '결제 요청',
  accepted: '접수되었습니다:',
  scenarioRules: '시나리오 규칙',
  rulesEditor: /^규칙 \(JSON 목록/,
  saveRules: '규칙 저장',
  reload: '다시 불러오기',
  notSaved: '저장하지 못했습니다:',
  saved: (n: number) => `저장했습니다: 규칙 ${n}개, 바로 적용됩니다.`,
  adminToken: '관리자 토큰 (admin.token)',
  tokenNeeded: 'admin.token이 설정되어 있습니다',
  deadDeliveries: '전달 실패 (DEAD)',
  tidOrSubject: 'TID 또는 대상',
  resend: '재전송',
  deliveredHttp200: '전달됨 (HTTP 200)',
  resendAll: (n: number, state: string) => `${state} ${n}건 모두 재전송`,
  requeued: (n: number, state: string) => `${state} 전달 ${n}건을 다시 대기열에 넣었습니다`,
  noDeliveries: '조건에 맞는 전달이 없습니다.',
  title: 'hamster-pg 대시보드',
  skipLink: '본문으로 건너뛰기',
  navPayments: '결제',
  navWebhooks: '웹훅',
  live: '실시간',
  transaction: '거래',
};

export const TEXT: Record<Lang, Texts> = { en, ko };

/** A regular expression matching exactly this text (for a locator's hasText). */
export function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
