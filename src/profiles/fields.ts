/**
 * Request and response pieces every profile's schemas share: the amount and
 * echo rules (the engine stores what they allow), and the local date-time
 * the contracts show instants in.
 */
import { Type, type TSchema } from 'typebox';

export const MAX_AMOUNT = 999_999_999_999.999;
export const MAX_ORDER_ID = 255;
export const MAX_USER_PUBLIC_ID = 100;
export const MAX_ECHO_BYTES = 16 * 1024;
export const MAX_ECHO_DEPTH = 10;

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** True when the number's shortest decimal form has at most 3 digits after the point. */
export function hasAtMost3Decimals(value: number): boolean {
  const text = String(value);
  if (text.includes('e')) return false; // only tiny (< 1e-6) or huge numbers print with an exponent
  const point = text.indexOf('.');
  return point < 0 || text.length - point - 1 <= 3;
}

/** Nesting depth of a JSON value (an object holding only scalars is 1), computed without recursion. */
export function jsonDepth(value: unknown, stopAbove = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

function echoProblem(value: unknown): string | null {
  if (jsonDepth(value, MAX_ECHO_DEPTH) > MAX_ECHO_DEPTH) return `must be nested at most ${MAX_ECHO_DEPTH} levels deep`;
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_ECHO_BYTES) return `must be at most ${MAX_ECHO_BYTES} bytes as JSON`;
  return null;
}

export const Amount = Type.Refine(
  Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_AMOUNT,
    description: 'Positive, at most 3 decimal places, at most 999,999,999,999.999. Echoed as sent.',
  }),
  hasAtMost3Decimals,
  () => 'must have at most 3 decimal places',
);

export const EchoObject = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Cash Gateway metadata (e.g. mid, orderNumber, gatewayReferenceId), returned as sent in the ACK and the webhook.',
  },
);

export const Echo = Type.Refine(EchoObject, (v) => echoProblem(v) === null, (v) => echoProblem(v) ?? 'is not allowed');

export const LocalDateTime = Type.String({
  description: 'ISO-8601 local date-time without zone, in the server time zone',
  examples: ['2026-02-05T10:00:05'],
});
