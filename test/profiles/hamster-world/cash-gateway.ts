/**
 * How the upstream hamster-world Cash Gateway reads hamster-pg's answers —
 * its rules, restated so the tests hold our answers to them:
 * - an ACK is acknowledged when HTTP is 200 or 202 and `code` is ACK_OK or
 *   `status` is PENDING or SUCCESS (`DummyAcknowledgementResponse`);
 * - a webhook is read into a Kotlin data class whose `tid, midId, userId,
 *   orderId, amount, status` are non-null (`DummyPaymentResponse`): a null
 *   or missing one fails the parse; `echo` is JSON text or an object.
 */
export function isAcknowledged(httpStatus: number, body: unknown): boolean {
  const b = (body ?? {}) as { code?: unknown; status?: unknown };
  const httpOk = httpStatus === 200 || httpStatus === 202;
  return httpOk && (b.code === 'ACK_OK' || b.status === 'PENDING' || b.status === 'SUCCESS');
}

export interface CashGatewayWebhook {
  tid: string;
  midId: string;
  userId: string;
  orderId: string;
  amount: number;
  status: string;
  approvalNo: string | null;
  failureReason: string | null;
  echo: Record<string, unknown>;
  /** The Cash Gateway's reading: "0000" when COMPLETED, else "9999". */
  code: string;
}

export function parseWebhook(text: string): CashGatewayWebhook {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const required = (name: string, type: 'string' | 'number') => {
    const value = raw[name];
    if (value === null || value === undefined) throw new Error(`webhook field ${name} is null or missing`);
    if (typeof value !== type) throw new Error(`webhook field ${name} is not a ${type}`);
    return value;
  };
  const nullableText = (name: string) => {
    const value = raw[name];
    if (value !== null && value !== undefined && typeof value !== 'string') throw new Error(`webhook field ${name} is not text`);
    return (value ?? null) as string | null;
  };
  const echoRaw = raw.echo;
  let echo: Record<string, unknown> = {};
  if (typeof echoRaw === 'string') echo = JSON.parse(echoRaw) as Record<string, unknown>;
  else if (echoRaw && typeof echoRaw === 'object') echo = echoRaw as Record<string, unknown>;
  const status = required('status', 'string') as string;
  return {
    tid: required('tid', 'string') as string,
    midId: required('midId', 'string') as string,
    userId: required('userId', 'string') as string,
    orderId: required('orderId', 'string') as string,
    amount: required('amount', 'number') as number,
    status,
    approvalNo: nullableText('approvalNo'),
    failureReason: nullableText('failureReason'),
    echo,
    code: status === 'COMPLETED' ? '0000' : '9999',
  };
}
