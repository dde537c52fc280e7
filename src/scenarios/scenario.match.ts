/**
 * Which scenario rule applies to a request: the one its header names, else
 * the first whose match fits the request's facts. Pure.
 */
import type { Scenario, ScenarioMatch, TextMatch } from './scenario.js';

/** The request facts a rule can match on. */
export interface MatchInput {
  orderId: string;
  userPublicId: string | null;
  amount: number;
  mid: string | null;
  /** A contract's order name (PortOne's orderName). */
  orderName?: string | null;
  /** The card number a contract was given (PortOne's card credential). */
  cardNumber?: string | null;
}

/** What a rule's `match` may name. */
export const MATCH_FIELDS = ['orderId', 'userPublicId', 'amount', 'mid', 'orderName', 'cardNumber'];

/**
 * The rule for a request: the one its header names, else the first whose
 * match fits, else none. A header naming no rule is an error the caller reports.
 */
export function selectScenario(
  rules: readonly Scenario[],
  input: MatchInput,
  headerName: string | null,
): { rule: Scenario | null } | { unknownName: string } {
  if (headerName !== null) {
    const named = rules.find((r) => r.name === headerName);
    return named ? { rule: named } : { unknownName: headerName };
  }
  return { rule: rules.find((r) => matches(r.match, input)) ?? null };
}

export function matches(m: ScenarioMatch, input: MatchInput): boolean {
  if (m.orderId && !textMatches(m.orderId, input.orderId)) return false;
  if (m.userPublicId && (input.userPublicId === null || !textMatches(m.userPublicId, input.userPublicId))) return false;
  if (m.amount) {
    if (m.amount.min !== undefined && input.amount < m.amount.min) return false;
    if (m.amount.max !== undefined && input.amount > m.amount.max) return false;
  }
  if (m.mid !== undefined && input.mid !== m.mid) return false;
  if (m.orderName && (input.orderName == null || !textMatches(m.orderName, input.orderName))) return false;
  if (m.cardNumber && (input.cardNumber == null || !textMatches(m.cardNumber, input.cardNumber))) return false;
  return true;
}

function textMatches(m: TextMatch, value: string): boolean {
  if ('exact' in m) return value === m.exact;
  if ('prefix' in m) return value.startsWith(m.prefix);
  return globToRegExp(m.glob).test(value);
}

/** `*` is any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}
